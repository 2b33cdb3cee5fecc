package io.zkclob.gateway.ws;

import io.zkclob.contracts.Event.*;
import io.zkclob.gateway.RateLimits;
import io.zkclob.gateway.ws.WsMessages.ExecutionReport;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.EventFeed.Indexed;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The open WebSocket connections, by account, and the execution reports sent to them: each of an account's
 * engine verdicts (from exchange.events, the same feed as the funds view) goes to every connection logged on as
 * that account when the gateway applies it. Reports are live, not a history: what happened before the logon is
 * read with orders.status. Like every consumer here it keeps a watermark, (seq, index) of the last event
 * dispatched, so a redelivered batch sends nothing twice.
 *
 * <p>Heartbeats: a ping every {@code gateway.ws.ping-interval-ms}; a connection that has sent nothing (no
 * message, no pong) for three intervals is closed with {@code HEARTBEAT_TIMEOUT}. Bounds: at most
 * {@code gateway.ws.max-connections} connections per gateway, each with its own bounded send queue.
 */
@Component
public class WsSessions {
    private final Set<WsConnection> all = ConcurrentHashMap.newKeySet();
    private final Map<Long, Set<WsConnection>> byAccount = new ConcurrentHashMap<>();
    private final int maxConnections;
    private final int maxQueuedChars;
    private final long pingIntervalMs;
    private long appliedSeq = -1;
    private int appliedIndex = -1;

    WsSessions(@Value("${gateway.ws.max-connections:10000}") int maxConnections,
               @Value("${gateway.ws.send-queue-max-chars:1048576}") int maxQueuedChars,
               @Value("${gateway.ws.ping-interval-ms:20000}") long pingIntervalMs) {
        this.maxConnections = maxConnections;
        this.maxQueuedChars = maxQueuedChars;
        this.pingIntervalMs = pingIntervalMs;
    }

    /**
     * A new connection, or null when the gateway already holds its maximum (both transports together: one bound
     * on the memory their queues may take).
     */
    WsConnection open(WsTransport transport, String address, RateLimits.Strikes strikes) {
        if (all.size() >= maxConnections) return null;
        WsConnection c = new WsConnection(transport, address, strikes, maxQueuedChars, System.currentTimeMillis());
        all.add(c);
        return c;
    }

    void closed(WsConnection c) {
        all.remove(c);
        loggedOff(c);
    }

    /** A logon checked away from the connection's reader may complete after the connection closed: then nothing. */
    void loggedOn(WsConnection c, long accountId) {
        if (!all.contains(c)) return;
        c.accountId(accountId);
        byAccount.computeIfAbsent(accountId, k -> ConcurrentHashMap.newKeySet()).add(c);
        if (!all.contains(c)) loggedOff(c); // closed meanwhile (Tomcat closes on the writer's thread)
    }

    void loggedOff(WsConnection c) {
        long accountId = c.accountId();
        c.accountId(WsConnection.NOT_LOGGED_ON);
        if (accountId == WsConnection.NOT_LOGGED_ON) return;
        byAccount.computeIfPresent(accountId, (k, set) -> {
            set.remove(c);
            return set.isEmpty() ? null : set;
        });
    }

    int connections() {
        return all.size();
    }

    /** Called by the gateway's event feed with each batch, in log order. */
    public synchronized void onEvents(java.util.List<Indexed> batch) {
        for (Indexed x : batch) {
            if (x.seq() < appliedSeq || (x.seq() == appliedSeq && x.index() <= appliedIndex)) continue;
            appliedSeq = x.seq();
            appliedIndex = x.index();
            if (byAccount.isEmpty()) continue;
            switch (x.event()) {
                case OrderAccepted a -> report(a.accountId(), "ACCEPTED", a.orderId(), x);
                case OrderRejected r -> report(r.accountId(), "REJECTED", r.seq(), x);
                case OrderCanceled c -> report(c.accountId(), "CANCELED", c.orderId(), x);
                case CancelRejected r -> report(r.accountId(), "CANCEL_REJECTED", r.orderId(), x);
                case TradeExecuted t -> {
                    report(t.makerAccountId(), "TRADE", t.makerOrderId(), x);
                    report(t.takerAccountId(), "TRADE", t.takerOrderId(), x);
                }
                default -> { }
            }
        }
    }

    private void report(long accountId, String type, long orderId, Indexed x) {
        Set<WsConnection> to = byAccount.get(accountId);
        if (to == null) return;
        byte[] json = reportUtf8(type, orderId, x);
        for (WsConnection c : to) c.sendUtf8(json);
    }

    /**
     * An {@link ExecutionReport} as JSON (UTF-8), exactly as Jackson writes the record, but around the event's JSON
     * as the log carried it: the gateway forwards every verdict of its logged-on accounts, and writing each event
     * again was a fifth of the event feed's time (WsSessionsTest holds the two forms equal). Assembled as bytes:
     * the record's value goes into the frame without becoming a String, a StringBuilder and a String again (6 % of
     * what the fleet allocated per order at 8,000 orders/s, docs/benchmarks.md, session 20).
     */
    static byte[] reportUtf8(String type, long orderId, Indexed x) {
        byte[] data = x.json() != null ? x.json() : MessageJson.write(x.event()).getBytes(StandardCharsets.UTF_8);
        // type: one of report()'s constants, ASCII like the rest of the head
        byte[] head = ("{\"event\":\"" + ExecutionReport.EVENT + "\",\"type\":\"" + type + "\",\"orderId\":" + orderId
                + ",\"seq\":" + x.event().seq() + ",\"data\":").getBytes(StandardCharsets.US_ASCII);
        byte[] report = Arrays.copyOf(head, head.length + data.length + 1);
        System.arraycopy(data, 0, report, head.length, data.length);
        report[report.length - 1] = '}';
        return report;
    }

    @Scheduled(fixedDelayString = "${gateway.ws.ping-interval-ms:20000}")
    void heartbeat() {
        long silentNanosMax = TimeUnit.MILLISECONDS.toNanos(3 * pingIntervalMs);
        long now = System.nanoTime();
        for (WsConnection c : all) {
            if (now - c.lastHeardNanos() > silentNanosMax) {
                c.close(new WsClose(WsClose.POLICY_VIOLATION, "HEARTBEAT_TIMEOUT: nothing received for " + 3 * pingIntervalMs + " ms"));
            } else {
                c.ping();
            }
        }
    }
}
