package io.zkclob.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkclob.gateway.RateLimits;
import jakarta.websocket.CloseReason;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket order-entry session's rate limits (issue 11, Rate limits): every message is charged to the address
 * the connection was opened from and, once logged on, to its account (the REST buckets); a refusal is an error
 * frame (429 RATE_LIMITED, the request's id); a connection that keeps sending through its refusals gets its last
 * error frame and then a close, 1008 RATE_LIMITED. The container is stood in for by a recording session.
 */
class WsRateLimitTest {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final WsSessions sessions = new WsSessions(100, 1 << 20, 20_000);

    /** One connection as the endpoint sees it: frames written, the close, and the handler the container would call. */
    static final class Recorded {
        final List<String> frames = new ArrayList<>();
        volatile CloseReason closed;
        MessageHandler.Whole<String> handler;
        final Map<String, Object> userProperties = new HashMap<>();
        Session session;

        synchronized List<String> frames() {
            return List.copyOf(frames);
        }

        /** Waits (bounded) until n frames are written: the connection's writer is asynchronous. */
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
            handler.onMessage(text);
        }

        WsConnection connection() {
            return (WsConnection) userProperties.get(WsConnection.class.getName());
        }
    }

    @SuppressWarnings("unchecked")
    Recorded open(OrderEntryEndpoint endpoint, String address) {
        Recorded r = new Recorded();
        if (address != null) r.userProperties.put(RateLimits.WS_ADDRESS_PROPERTY, address);
        RemoteEndpoint.Basic remote = (RemoteEndpoint.Basic) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Basic.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "sendText" -> {
                            synchronized (r) {
                                r.frames.add((String) args[0]);
                            }
                        }
                        case "getBatchingAllowed" -> {
                            return true;
                        }
                        default -> { }
                    }
                    return null;
                });
        r.session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getUserProperties" -> r.userProperties;
                    case "getBasicRemote" -> remote;
                    case "isOpen" -> r.closed == null;
                    case "getId" -> "test";
                    case "addMessageHandler" -> {
                        if (args[args.length - 1] instanceof MessageHandler.Whole<?> h && args[0] == String.class) {
                            r.handler = (MessageHandler.Whole<String>) h;
                        }
                        yield null;
                    }
                    case "close" -> {
                        r.closed = args == null ? new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "") : (CloseReason) args[0];
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
        endpoint.onOpen(r.session, null);
        return r;
    }

    static String ping(int id) {
        return "{\"id\":\"p" + id + "\",\"method\":\"ping\"}";
    }

    @Test
    void anAddressOverItsLimitGetsErrorFramesThenAClose() throws Exception {
        RateLimits limits = RateLimits.of(1, 3, 0, 0, 1_000, 5, nanos::get);
        OrderEntryEndpoint endpoint = new OrderEntryEndpoint(null, sessions, limits);
        Recorded a = open(endpoint, "192.0.2.1");
        for (int i = 0; i < 3; i++) a.send(ping(i));
        a.send(ping(3));
        List<String> frames = a.awaitFrames(4);
        for (int i = 0; i < 3; i++) assertEquals("{\"id\":\"p" + i + "\",\"status\":200,\"result\":{}}", frames.get(i));
        assertTrue(frames.get(3).startsWith("{\"id\":\"p3\",\"status\":429,\"error\":{\"code\":\"RATE_LIMITED\",\"msg\":\"too many requests"
                + " from this address; retry after 1000 ms"), frames.get(3));
        assertNull(a.closed, "a few refusals are not abuse");

        // Another address is served; a second connection from the same address shares its budget.
        Recorded b = open(endpoint, "192.0.2.2");
        b.send(ping(0));
        assertTrue(b.awaitFrames(1).getFirst().contains("\"status\":200"));
        Recorded sameAddress = open(endpoint, "192.0.2.1");
        sameAddress.send(ping(0));
        assertTrue(sameAddress.awaitFrames(1).getFirst().contains("RATE_LIMITED"));

        // Sending on through the refusals: 5 may be collected (one was already), the next is the last.
        for (int i = 4; i < 9; i++) a.send(ping(i));
        a.awaitClosed();
        assertEquals(CloseReason.CloseCodes.VIOLATED_POLICY, a.closed.getCloseCode());
        assertTrue(a.closed.getReasonPhrase().startsWith("RATE_LIMITED"), a.closed.getReasonPhrase());
        frames = a.frames();
        assertEquals(9, frames.size(), "every refusal, the last included, was written before the close: " + frames);
        assertTrue(frames.getLast().contains("\"id\":\"p8\",\"status\":429"), frames.getLast());
        a.send(ping(9));
        assertEquals(9, a.frames().size(), "nothing more is read from a connection closed for abuse");
    }

    @Test
    void aLoggedOnConnectionIsChargedToItsAccountToo() throws Exception {
        RateLimits limits = RateLimits.of(0, 0, 1, 2, 1_000, 100, nanos::get);
        OrderEntryEndpoint endpoint = new OrderEntryEndpoint(null, sessions, limits);
        Recorded a = open(endpoint, "192.0.2.1");
        for (int i = 0; i < 5; i++) a.send(ping(i));
        assertEquals(5, a.awaitFrames(5).stream().filter(f -> f.contains("\"status\":200")).count(), "before logon: no account");
        sessions.loggedOn(a.connection(), 7);
        for (int i = 0; i < 3; i++) a.send(ping(i));
        List<String> frames = a.awaitFrames(8);
        assertTrue(frames.get(5).contains("\"status\":200") && frames.get(6).contains("\"status\":200"), frames.toString());
        assertTrue(frames.get(7).contains("from this account"), frames.get(7));

        // The account's budget is the account's, whatever the connection; another account is not affected.
        Recorded other = open(endpoint, "192.0.2.9");
        sessions.loggedOn(other.connection(), 7);
        other.send(ping(0));
        assertTrue(other.awaitFrames(1).getFirst().contains("RATE_LIMITED"));
        Recorded third = open(endpoint, "192.0.2.9");
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
        OrderEntryEndpoint endpoint = new OrderEntryEndpoint(null, sessions, limits);
        Recorded a = open(endpoint, "192.0.2.1");
        for (int i = 0; i < 3; i++) a.send("{not json");
        List<String> frames = a.awaitFrames(3);
        assertTrue(frames.get(0).contains("MALFORMED_REQUEST") && frames.get(1).contains("MALFORMED_REQUEST"), frames.toString());
        assertTrue(frames.get(2).contains("\"status\":429") && frames.get(2).contains("RATE_LIMITED"), frames.get(2));
    }
}
