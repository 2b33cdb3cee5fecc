package io.zkclob.gateway;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.OrderAccepted;
import io.zkclob.contracts.Event.OrderRejected;
import io.zkclob.support.EventFeed.Indexed;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The engine's verdict (OrderAccepted or OrderRejected) on a PlaceOrder at a given seq, as exchange.events
 * delivers it to this gateway: what answers a placement that carries a clientOrderId. The engine alone knows
 * whether such a placement repeats an earlier one (docs/engine-spec.md §3.3), whatever failed before it (a
 * timed-out append, a crashed gateway, another replica), so the gateway asks it instead of keeping ids itself.
 *
 * <p>The verdict can reach the feed before the producer's callback names the seq: the last
 * {@link #RECENT_VERDICTS} verdicts are kept, and a seq the feed has passed without one in memory completes
 * with null (unknown). Bounds: waiters at most one per request in flight (each leaves at its verdict or its
 * timeout), and the recent verdicts.
 */
final class OrderVerdicts {
    static final int RECENT_VERDICTS = 4_096;

    private final Map<Long, CompletableFuture<Event>> waiting = new HashMap<>();
    private final LinkedHashMap<Long, Event> recent = new LinkedHashMap<>(RECENT_VERDICTS * 2) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Event> eldest) {
            return size() > RECENT_VERDICTS;
        }
    };
    private long appliedSeq = -1;

    /** Called with every batch the gateway's event feed applies, in log order (redeliveries change nothing). */
    void onEvents(List<Indexed> batch) {
        for (Indexed x : batch) {
            if (!(x.event() instanceof OrderAccepted) && !(x.event() instanceof OrderRejected)) continue;
            CompletableFuture<Event> w;
            synchronized (this) {
                if (x.seq() <= appliedSeq) continue;
                appliedSeq = x.seq();
                recent.put(x.seq(), x.event());
                w = waiting.remove(x.seq());
            }
            if (w != null) w.complete(x.event());
        }
    }

    /**
     * The verdict on the PlaceOrder at {@code seq}; completes with null when it does not come within
     * {@code timeoutMs} (the feed lags, e.g. replaying after a restart) or was passed without being kept.
     */
    CompletableFuture<Event> await(long seq, long timeoutMs) {
        CompletableFuture<Event> w;
        synchronized (this) {
            Event known = recent.get(seq);
            if (known != null) return CompletableFuture.completedFuture(known);
            if (seq <= appliedSeq) return CompletableFuture.completedFuture(null);
            w = waiting.computeIfAbsent(seq, s -> new CompletableFuture<>());
        }
        return w.completeOnTimeout(null, timeoutMs, TimeUnit.MILLISECONDS).whenComplete((v, e) -> forget(seq, w));
    }

    private synchronized void forget(long seq, CompletableFuture<Event> w) {
        waiting.remove(seq, w);
    }

    synchronized int waiting() {
        return waiting.size();
    }
}
