package io.zkclob.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.gateway.InMemoryOrderEntry;
import io.zkclob.gateway.RateLimits;
import io.zkclob.support.EventFeed.Indexed;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The order-entry protocol on the gateway's own event loop (Netty, {@code gateway.ws.port}) with the REST order
 * path behind it in memory: logon (checked away from the loop, the messages behind it held in order), place,
 * cancel, execution reports, refusals of unauthenticated and cross-account requests, the slow reader closed with
 * 1008 SLOW_READER, an oversize message with 1009, a binary frame with 1003, and the gate before the handshake
 * (404 for other paths, 405 for a GET of /api/v1/orders, 429 past the address's rate). WebSocketOrderEntryIT runs the same on the whole fleet.
 */
class NettyOrderEntryServerTest {
    static final int SEND_QUEUE_MAX_CHARS = 64 * 1024;
    final InMemoryOrderEntry backend = new InMemoryOrderEntry();
    final WsSessions sessions = new WsSessions(100, SEND_QUEUE_MAX_CHARS, 20_000);
    final HttpClient http = HttpClient.newHttpClient();
    NettyOrderEntryServer server;

    NettyOrderEntryServer start(RateLimits limits) {
        server = new NettyOrderEntryServer(new OrderEntryProtocol(backend.entry, sessions, limits), backend.rest, limits, "127.0.0.1", 0, 1, 100);
        server.start();
        assertTrue(server.port() > 0);
        return server;
    }

    NettyOrderEntryServer start() {
        return start(RateLimits.of(0, 0, 0, 0, 1_000, 100, System::nanoTime));
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop();
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + server.port() + WebSocketConfig.PATH);
    }

    /** A client that keeps every message and the close. */
    static final class Client implements WebSocket.Listener {
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(MessageJson.MAPPER.readTree(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }

        void send(String id, String method, String params) {
            ws.sendText("{\"id\":\"" + id + "\",\"method\":\"" + method + "\"" + (params == null ? "" : ",\"params\":" + params) + "}", true).join();
        }

        JsonNode await(String what, Predicate<JsonNode> match) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                for (JsonNode m : received) if (match.test(m)) return m;
                Thread.sleep(5);
            }
            fail("timed out waiting for " + what + "; received " + received);
            return null;
        }

        JsonNode response(String id) throws InterruptedException {
            return await("the response to " + id, m -> id.equals(m.path("id").asString()));
        }

        int indexOf(String id) {
            for (int i = 0; i < received.size(); i++) if (id.equals(received.get(i).path("id").asString())) return i;
            return -1;
        }
    }

    Client connect() {
        Client c = new Client();
        c.ws = http.newWebSocketBuilder().buildAsync(ws(), c).join();
        return c;
    }

    static final String ORDER = "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.01\"}";

    @Test
    void aSessionLogsOnPlacesCancelsAndReceivesItsReports() throws Exception {
        start();
        Client c = connect();
        c.send("early", "order.place", ORDER);
        assertEquals("NOT_LOGGED_ON", c.response("early").path("error").path("code").asString());

        // The logon is checked off the event loop; what follows it at once is held and answered after it, in order.
        c.send("logon", "session.logon", "{\"accountId\":1,\"timestamp\":1,\"signature\":\"any\"}");
        c.send("ping", "ping", null);
        c.send("place", "order.place", ORDER);
        JsonNode placed = c.response("place");
        assertEquals(200, c.response("logon").path("status").asInt(), c.received.toString());
        assertEquals(1, c.response("logon").path("result").path("accountId").asLong());
        assertTrue(c.indexOf("logon") < c.indexOf("ping") && c.indexOf("ping") < c.indexOf("place"), "in order: " + c.received);
        assertEquals(202, placed.path("status").asInt(), placed.toString());
        assertEquals("SEQUENCED", placed.path("result").path("status").asString());
        long orderId = placed.path("result").path("orderId").asLong();
        assertEquals(1, backend.producer.history().size(), "appended once");

        c.send("other", "order.place", "{\"accountId\":2," + ORDER.substring(1));
        assertEquals("ACCOUNT_MISMATCH", c.response("other").path("error").path("code").asString());
        c.send("again", "session.logon", "{\"accountId\":2,\"timestamp\":1,\"signature\":\"any\"}");
        assertEquals("ALREADY_LOGGED_ON", c.response("again").path("error").path("code").asString());

        // The account's engine verdicts arrive on the connection; another account's do not.
        sessions.onEvents(List.of(new Indexed(orderId, 0, new Event.OrderAccepted(orderId, orderId, 1, 1, 0, Side.BUY, OrderType.LIMIT,
                        TimeInForce.GTC, 3_000_000_000L, 1_000_000, 0, 2, 30_060_000)),
                new Indexed(orderId + 1, 0, new Event.OrderAccepted(orderId + 1, orderId + 1, 2, 1, 0, Side.BUY, OrderType.LIMIT,
                        TimeInForce.GTC, 3_000_000_000L, 1_000_000, 0, 2, 30_060_000))));
        JsonNode report = c.await("the ACCEPTED report", m -> "executionReport".equals(m.path("event").asString()));
        assertEquals("ACCEPTED", report.path("type").asString());
        assertEquals(orderId, report.path("orderId").asLong());

        c.send("cancel", "order.cancel", "{\"orderId\":" + orderId + "}");
        assertEquals("CANCEL_SEQUENCED", c.response("cancel").path("result").path("status").asString());
        c.send("out", "session.logout", null);
        c.send("late", "order.cancel", "{\"orderId\":" + orderId + "}");
        assertEquals("NOT_LOGGED_ON", c.response("late").path("error").path("code").asString(), "refused after the session ended");
        assertTrue(c.received.stream().noneMatch(m -> m.path("orderId").asLong() == orderId + 1), "never another account's report");
        c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        assertTrue(c.closed.get(10, TimeUnit.SECONDS).startsWith("1000"), "the close frame is answered: " + c.closed.get());
    }

    @Test
    void anOversizeMessageClosesWith1009AndABinaryOneWith1003() throws Exception {
        start();
        Client big = connect();
        big.ws.sendText("{\"id\":\"" + "x".repeat(OrderEntryProtocol.MAX_MESSAGE_CHARS) + "\",\"method\":\"ping\"}", true);
        assertTrue(big.closed.get(10, TimeUnit.SECONDS).startsWith("1009"), big.closed.get());
        Client binary = connect();
        binary.ws.sendBinary(ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8)), true).join();
        assertTrue(binary.closed.get(10, TimeUnit.SECONDS).startsWith("1003"), binary.closed.get());
        Client next = connect();
        next.send("p", "ping", null);
        assertEquals(200, next.response("p").path("status").asInt(), "the server is unaffected");
    }

    /**
     * A client that sends and never reads: its answers fill the socket, then the channel's write buffer (its high
     * water mark), then the connection's send queue, and past that bound it is closed with 1008 SLOW_READER.
     */
    @Test
    void aReaderThatFallsBehindIsClosedAsASlowReader() throws Exception {
        start();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            handshake(out, in);
            String pad = "p".repeat(50);
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            int requests = 150_000;
            try {
                for (int i = 0; i < requests; i++) {
                    burst.write(maskedText("{\"id\":\"" + pad + i + "\",\"method\":\"ping\"}"));
                    if (burst.size() > 64 * 1024) {
                        out.write(burst.toByteArray());
                        burst.reset();
                    }
                }
                out.write(burst.toByteArray());
            } catch (IOException closedMeanwhile) {
                // The server may close before all of it is written: what it wrote before is still to be read.
            }
            int texts = 0;
            while (true) {
                int b0 = in.readUnsignedByte();
                int len = in.readUnsignedByte() & 0x7f;
                if (len == 126) len = in.readUnsignedShort();
                else if (len == 127) len = (int) in.readLong();
                byte[] payload = in.readNBytes(len);
                if ((b0 & 0x0f) == 0x1) texts++;
                if ((b0 & 0x0f) == 0x8) {
                    int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
                    String reason = new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
                    assertEquals(1008, code, reason);
                    assertTrue(reason.startsWith("SLOW_READER"), reason);
                    break;
                }
            }
            assertTrue(texts < requests, "the answers past the bound were dropped, not queued: " + texts);
        }
        assertEquals(0, awaitConnections(0), "the connection is gone");
    }

    int awaitConnections(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sessions.connections() != n && System.nanoTime() < deadline) Thread.sleep(10);
        return sessions.connections();
    }

    @Test
    void otherPathsAre404AndHandshakesAreChargedToTheAddress() throws Exception {
        start(RateLimits.of(1, 2, 0, 0, 1_000, 100, () -> 0));
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/markets")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, other.statusCode(), other.body());
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/orders")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode(), "REST here is POST only: " + get.body());
        Client c = connect(); // the first charge of the burst of 2 (a 404 is not charged)
        c.send("p1", "ping", null);
        assertEquals(200, c.response("p1").path("status").asInt());
        c.send("p2", "ping", null);
        assertEquals(429, c.response("p2").path("status").asInt(), "the socket's messages are charged too");
        try {
            connect();
            fail("a handshake past the address's rate is refused");
        } catch (java.util.concurrent.CompletionException e) {
            if (!(e.getCause() instanceof java.net.http.WebSocketHandshakeException refused)) throw e;
            assertEquals(429, refused.getResponse().statusCode());
        }
    }

    private static void handshake(OutputStream out, InputStream in) throws IOException {
        out.write(("GET " + WebSocketConfig.PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n") && head.length() < 4_096) head.append((char) in.read());
        assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
    }

    /** A client's text frame (masked, as clients must; the mask of zeros leaves the payload as it is). */
    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 8);
        f.write(0x81);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xff);
        }
        f.writeBytes(new byte[4]);
        f.writeBytes(payload);
        return f.toByteArray();
    }
}
