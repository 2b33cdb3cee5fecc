package io.zkclob.gateway;

import io.zkclob.support.ApiException;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpStatus;

/**
 * Replay protection in memory, without a database write per request. Per account, the replay keys of the
 * requests accepted inside the freshness window (a request outside the window is refused by its timestamp, so
 * older keys can go). Bounded: a key lives at most one window past its timestamp, so the whole set holds at most
 * (accepted requests/s x 2 windows) keys, and one account at most {@link #MAX_PER_ACCOUNT}.
 *
 * <p>Across a restart the set is lost, so a durable horizon stands in for it: this gateway only accepts
 * timestamps up to a lease it has first written ({@link Horizon#extend}, about once a second, {@link #LEASE_AHEAD_MS}
 * ahead of what the window admits), and a gateway that starts refuses every timestamp at or before the lease its
 * predecessors wrote. A request that a previous process may have accepted can therefore never be accepted again;
 * the price is that for up to window + {@link #LEASE_AHEAD_MS} after a restart, requests signed before the
 * horizon are refused (STALE_REQUEST; sign again, docs/api.md). A new deployment has no horizon and no such pause.
 *
 * <p>The set is per gateway process: where several gateways serve one exchange, route each account to one of
 * them (docs/api.md), or a request sent to two of them at once is accepted by both.
 */
final class ReplayGuard {
    /** The durable horizon: the greatest timestamp any gateway may have accepted. */
    interface Horizon {
        /** Long.MIN_VALUE when no gateway ever wrote one. */
        long load();

        /** Raises the stored horizon to at least {@code throughMs}, durably, before returning. */
        void extend(long throughMs);
    }

    static final int MAX_PER_ACCOUNT = 100_000;
    static final long LEASE_AHEAD_MS = 5_000;
    private final Horizon horizon;
    private final long windowMs;
    private final Map<Long, Map<String, Long>> seen = new ConcurrentHashMap<>(); // account -> replay key -> timestamp
    private volatile boolean started;
    private volatile long refuseThroughMs = Long.MAX_VALUE;
    private volatile long leaseMs = Long.MIN_VALUE;

    ReplayGuard(Horizon horizon, long windowMs) {
        this.horizon = horizon;
        this.windowMs = windowMs;
    }

    /** Reads the predecessors' horizon and takes the first lease; on the first request at the latest. */
    /** Whether its horizon is loaded: until then the first request reads it from the database. */
    boolean started() {
        return started;
    }

    synchronized void start(long nowMs) {
        if (started) return;
        refuseThroughMs = horizon.load();
        long through = nowMs + windowMs + LEASE_AHEAD_MS;
        horizon.extend(through);
        leaseMs = through;
        started = true;
    }

    /** Keeps the lease ahead of the window (scheduled about once a second). */
    void extend(long nowMs) {
        if (!started) {
            start(nowMs);
            return;
        }
        long through = nowMs + windowMs + LEASE_AHEAD_MS;
        horizon.extend(through);
        leaseMs = Math.max(leaseMs, through);
    }

    /**
     * Accepts a verified request's replay key once: refuses it as stale when it was signed at or before the restart
     * horizon, as a replay when this process has already accepted it.
     */
    void accept(long accountId, String replayKey, long timestampMs, long nowMs) {
        if (!started) start(nowMs);
        if (timestampMs <= refuseThroughMs) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "STALE_REQUEST", "signed before this gateway restarted; sign again with a "
                    + "timestamp after " + Instant.ofEpochMilli(refuseThroughMs) + " (docs/api.md)");
        }
        if (timestampMs > leaseMs) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", "the gateway cannot record its replay horizon; retry");
        }
        boolean[] fresh = {false};
        seen.compute(accountId, (k, keys) -> {
            Map<String, Long> m = keys == null ? new LinkedHashMap<>() : keys;
            expire(m, nowMs);
            if (m.containsKey(replayKey)) return m;
            if (m.size() >= MAX_PER_ACCOUNT) {
                throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS", "more than " + MAX_PER_ACCOUNT
                        + " signed requests inside the " + windowMs + " ms window");
            }
            m.put(replayKey, timestampMs);
            fresh[0] = true;
            return m;
        });
        if (!fresh[0]) throw new ApiException(HttpStatus.UNAUTHORIZED, "REPLAYED_REQUEST", "this signed request was already used");
    }

    /**
     * Drops keys whose timestamp is out of the window (their requests are refused as stale anyway). Keys are in
     * arrival order, which follows timestamps up to the window's width: stop at the first fresh key, the periodic
     * {@link #purge} takes the rest.
     */
    private void expire(Map<String, Long> keys, long nowMs) {
        Iterator<Long> it = keys.values().iterator();
        while (it.hasNext() && it.next() < nowMs - windowMs) it.remove();
    }

    /** Drops every expired key and accounts left with none. */
    void purge(long nowMs) {
        for (Long account : seen.keySet()) {
            seen.computeIfPresent(account, (k, keys) -> {
                keys.values().removeIf(ts -> ts < nowMs - windowMs);
                return keys.isEmpty() ? null : keys;
            });
        }
    }

    int size() {
        return seen.values().stream().mapToInt(Map::size).sum();
    }
}
