package io.zkclob.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkclob.gateway.RateLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket order-entry session's rate limits (issue 11, Rate limits): every message is charged to the address
 * the connection was opened from and, once logged on, to its account (the REST buckets); a refusal is an error
 * frame (429 RATE_LIMITED, the request's id); a connection that keeps sending through its refusals gets its last
 * error frame and then a close, 1008 RATE_LIMITED. The transport is stood in for by a recording one.
 */
class WsRateLimitTest {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final WsSessions sessions = new WsSessions(100, 1 << 20, 20_000);

    /** One connection as the protocol sees it: a transport that records the frames written and the close. */
    static final class Recorded implements WsTransport {
        final List<String> frames = new ArrayList<>();
        volatile WsClose closed;
        WsConnection connection;
        OrderEntryProtocol protocol;

        synchronized List<String> frames() {
            return List.copyOf(frames);
        }

        /** Waits (bounded) until n frames are written: answers completed elsewhere are written asynchronously. */
        List<String> awaitFrames(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (frames().size() < n && System.nanoTime() < deadline) Thread.sleep(5);
            return frames();
        }

        void awaitClosed() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (closed == null && System.nanoTime() < deadline) Thread.sleep(5);
        }

        void send(String text) {
            protocol.onText(connection, text);
        }

        WsConnection connection() {
            return connection;
        }

        @Override
        public void execute(Runnable writer) {
            writer.run();
        }

        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public synchronized void text(String text) {
            frames.add(text);
        }

        @Override
        public void ping() {}

        @Override
        public void flush() {}

        @Override
        public void close(WsClose reason) {
            closed = reason;
        }

        @Override
        public boolean isOpen() {
            return closed == null;
        }

        @Override
        public boolean readerMayBlock() {
            return true;
        }

        @Override
        public String id() {
            return "test";
        }
    }

    Recorded open(OrderEntryProtocol protocol, String address) {
        Recorded r = new Recorded();
        r.protocol = protocol;
        r.connection = protocol.open(r, address);
        return r;
    }

    static String ping(int id) {
        return "{\"id\":\"p" + id + "\",\"method\":\"ping\"}";
    }

    @Test
    void anAddressOverItsLimitGetsErrorFramesThenAClose() throws Exception {
        RateLimits limits = RateLimits.of(1, 3, 0, 0, 1_000, 5, nanos::get);
        OrderEntryProtocol protocol = new OrderEntryProtocol(null, sessions, limits);
        Recorded a = open(protocol, "192.0.2.1");
        for (int i = 0; i < 3; i++) a.send(ping(i));
        a.send(ping(3));
        List<String> frames = a.awaitFrames(4);
        for (int i = 0; i < 3; i++) assertEquals("{\"id\":\"p" + i + "\",\"status\":200,\"result\":{}}", frames.get(i));
        assertTrue(frames.get(3).startsWith("{\"id\":\"p3\",\"status\":429,\"error\":{\"code\":\"RATE_LIMITED\",\"msg\":\"too many requests"
                + " from this address; retry after 1000 ms"), frames.get(3));
        assertNull(a.closed, "a few refusals are not abuse");

        // Another address is served; a second connection from the same address shares its budget.
        Recorded b = open(protocol, "192.0.2.2");
        b.send(ping(0));
        assertTrue(b.awaitFrames(1).getFirst().contains("\"status\":200"));
        Recorded sameAddress = open(protocol, "192.0.2.1");
        sameAddress.send(ping(0));
        assertTrue(sameAddress.awaitFrames(1).getFirst().contains("RATE_LIMITED"));

        // Sending on through the refusals: 5 may be collected (one was already), the next is the last.
        for (int i = 4; i < 9; i++) a.send(ping(i));
        a.awaitClosed();
        assertEquals(WsClose.POLICY_VIOLATION, a.closed.code());
        assertTrue(a.closed.reason().startsWith("RATE_LIMITED"), a.closed.reason());
        frames = a.frames();
        assertEquals(9, frames.size(), "every refusal, the last included, was written before the close: " + frames);
        assertTrue(frames.getLast().contains("\"id\":\"p8\",\"status\":429"), frames.getLast());
        a.send(ping(9));
        assertEquals(9, a.frames().size(), "nothing more is read from a connection closed for abuse");
    }

    @Test
    void aLoggedOnConnectionIsChargedToItsAccountToo() throws Exception {
        RateLimits limits = RateLimits.of(0, 0, 1, 2, 1_000, 100, nanos::get);
        OrderEntryProtocol protocol = new OrderEntryProtocol(null, sessions, limits);
        Recorded a = open(protocol, "192.0.2.1");
        for (int i = 0; i < 5; i++) a.send(ping(i));
        assertEquals(5, a.awaitFrames(5).stream().filter(f -> f.contains("\"status\":200")).count(), "before logon: no account");
        sessions.loggedOn(a.connection(), 7);
        for (int i = 0; i < 3; i++) a.send(ping(i));
        List<String> frames = a.awaitFrames(8);
        assertTrue(frames.get(5).contains("\"status\":200") && frames.get(6).contains("\"status\":200"), frames.toString());
        assertTrue(frames.get(7).contains("from this account"), frames.get(7));

        // The account's budget is the account's, whatever the connection; another account is not affected.
        Recorded other = open(protocol, "192.0.2.9");
        sessions.loggedOn(other.connection(), 7);
        other.send(ping(0));
        assertTrue(other.awaitFrames(1).getFirst().contains("RATE_LIMITED"));
        Recorded third = open(protocol, "192.0.2.9");
        sessions.loggedOn(third.connection(), 8);
        third.send(ping(0));
        assertTrue(third.awaitFrames(1).getFirst().contains("\"status\":200"));
        nanos.addAndGet(1_000_000_000L);
        a.send(ping(99));
        assertTrue(a.awaitFrames(9).getLast().contains("\"id\":\"p99\",\"status\":200"), "after the wait, admitted");
    }

    @Test
    void aFloodOfMalformedMessagesIsChargedAsWell() throws Exception {
        RateLimits limits = RateLimits.of(1, 2, 0, 0, 1_000, 100, nanos::get);
        OrderEntryProtocol protocol = new OrderEntryProtocol(null, sessions, limits);
        Recorded a = open(protocol, "192.0.2.1");
        for (int i = 0; i < 3; i++) a.send("{not json");
        List<String> frames = a.awaitFrames(3);
        assertTrue(frames.get(0).contains("MALFORMED_REQUEST") && frames.get(1).contains("MALFORMED_REQUEST"), frames.toString());
        assertTrue(frames.get(2).contains("\"status\":429") && frames.get(2).contains("RATE_LIMITED"), frames.get(2));
    }
}
