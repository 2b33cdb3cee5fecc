package io.zkclob.launcher;

import static org.junit.jupiter.api.Assertions.*;

import io.zkclob.contracts.json.MessageJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * The WebSocket order entry (/api/v1/ws) on the whole fleet (real Kafka and PostgreSQL, as ExchangeEndToEndIT):
 * logon, orders and cancels answered on the connection with their execution reports, refusals of unauthenticated
 * and cross-account requests, a reader too slow for its responses disconnected with a reason, and an oversize
 * message closed with 1009. Every test runs on both transports of the one protocol: the gateway's own event loop
 * on gateway.ws.port (Netty) and Tomcat's container on the HTTP port. The same port's REST order placement (signed
 * POST /api/v1/orders and /orders/batch) is placed, replay-guarded and answered as on the HTTP port.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebSocketOrderEntryIT {
    /** Small enough that the slow-reader test overflows it quickly (the default is 1 Mi characters). */
    static final int SEND_QUEUE_MAX_CHARS = 64 * 1024;
    static Launcher launcher;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Launcher.Ports PORTS = new Launcher.Ports(26432, 26092, 26080, 26082, 26083, 26084, 26085, 26086, 26081);
    static final String BASE = "http://127.0.0.1:" + PORTS.gateway() + "/api/v1";

    /** The two transports of /api/v1/ws. */
    enum Transport {
        NETTY(PORTS.gatewayWs()), TOMCAT(PORTS.gateway());

        final URI uri;

        Transport(int port) {
            uri = URI.create("ws://127.0.0.1:" + port + "/api/v1/ws");
        }
    }
    static Trader alice;
    static Trader bob;

    static final class Trader {
        final KeyPair keys;
        long accountId;

        Trader() throws Exception {
            keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        }

        String publicKeyBase64() {
            byte[] x509 = keys.getPublic().getEncoded();
            return Base64.getEncoder().encodeToString(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
        }

        /** The logon signature: a signed GET /api/v1/ws with an empty body, as any REST request is signed. */
        String sign(long timestampMs) throws Exception {
            return sign(timestampMs + "\nGET\n/api/v1/ws\n");
        }

        String sign(String message) throws Exception {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(keys.getPrivate());
            s.update(message.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        }

        /** A signed REST POST to {@code path} on {@code port}, as docs/api.md signs one. */
        HttpRequest signedPost(int port, String path, String body) throws Exception {
            long ts = System.currentTimeMillis();
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json").header("X-Account-Id", String.valueOf(accountId))
                    .header("X-Timestamp", String.valueOf(ts)).header("X-Signature", sign(ts + "\nPOST\n" + path + "\n" + body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }
    }

    /** One connection: every message received, in order; reading on demand (a slow reader stops asking). */
    static final class Client implements WebSocket.Listener {
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> closed = new CompletableFuture<>(); // "code reason"
        final AtomicInteger ids = new AtomicInteger();
        volatile boolean reading = true;
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        static Client connect(Transport transport) {
            Client c = new Client();
            c.ws = http.newWebSocketBuilder().buildAsync(transport.uri, c).join();
            return c;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(MessageJson.MAPPER.readTree(partial.toString()));
                partial.setLength(0);
            }
            if (reading) webSocket.request(1);
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

        /** Sends a request; returns its id. */
        String send(String method, String paramsJson) {
            String id = "r" + ids.incrementAndGet();
            ws.sendText("{\"id\":\"" + id + "\",\"method\":\"" + method + "\"" + (paramsJson == null ? "" : ",\"params\":" + paramsJson)
                    + "}", true).join();
            return id;
        }

        JsonNode call(String method, String paramsJson) throws InterruptedException {
            String id = send(method, paramsJson);
            return await("the response to " + id + " " + method, m -> id.equals(m.path("id").asString()));
        }

        JsonNode logon(Trader t) throws Exception {
            long ts = System.currentTimeMillis();
            return call("session.logon", "{\"accountId\":" + t.accountId + ",\"timestamp\":" + ts + ",\"signature\":\"" + t.sign(ts) + "\"}");
        }

        JsonNode report(String type, long orderId) throws InterruptedException {
            return await(type + " report of order " + orderId, m -> "executionReport".equals(m.path("event").asString())
                    && type.equals(m.path("type").asString()) && m.path("orderId").asLong() == orderId);
        }

        JsonNode await(String what, Predicate<JsonNode> match) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                for (JsonNode m : received) if (match.test(m)) return m;
                Thread.sleep(20);
            }
            fail("timed out waiting for " + what + "; received " + received);
            return null;
        }
    }

    static final List<String> RATE_LIMITS = List.of("gateway.rate-limit.address-per-second", "gateway.rate-limit.account-per-second");

    @BeforeAll
    static void start() throws Exception {
        // Read by the gateway only (no other service has gateway.* settings); the fleet runs in this JVM.
        System.setProperty("gateway.ws.send-queue-max-chars", String.valueOf(SEND_QUEUE_MAX_CHARS));
        // The slow reader below sends 150,000 messages at once, far past any sane rate limit (which would close it
        // as RATE_LIMITED before its queue fills): the limits are off here; WsRateLimitTest and FuzzIT test them.
        for (String limit : RATE_LIMITS) System.setProperty(limit, "0");
        launcher = TestInfra.launcher(Files.createTempDirectory("zkclob-ws"), PORTS);
        launcher.start();
        alice = register();
        bob = register();
        deposit(alice, "USDT", "100000", 1);
        deposit(bob, "USDT", "100000", 2);
        deposit(bob, "ETH", "10", 3);
    }

    @AfterAll
    static void stop() {
        System.clearProperty("gateway.ws.send-queue-max-chars");
        for (String limit : RATE_LIMITS) System.clearProperty(limit);
        if (launcher != null) launcher.close();
    }

    static JsonNode post(String path, String body, String operatorKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (operatorKey != null) b.header("X-Operator-Key", operatorKey);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, r.statusCode() + " " + r.body());
        return MessageJson.MAPPER.readTree(r.body());
    }

    static Trader register() throws Exception {
        Trader t = new Trader();
        t.accountId = post("/accounts", "{\"publicKey\":\"" + t.publicKeyBase64() + "\"}", null).get("accountId").asLong();
        return t;
    }

    static void deposit(Trader t, String asset, String amount, long externalId) throws Exception {
        post("/admin/deposits", "{\"accountId\":" + t.accountId + ",\"asset\":\"" + asset + "\",\"amount\":\"" + amount
                + "\",\"externalId\":" + externalId + "}", "dev-operator-key");
    }

    static String limit(String side, String price, String qty, String extra) {
        return "{\"market\":\"ETH-USDT\",\"side\":\"" + side + "\",\"type\":\"LIMIT\",\"price\":\"" + price + "\",\"qty\":\"" + qty
                + "\"" + extra + "}";
    }

    /** Places until the funds view has the deposits (a fresh fleet may still be applying them). */
    static JsonNode placeAccepted(Client c, String order) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            JsonNode r = c.call("order.place", order);
            if (r.path("status").asInt() == 202 || System.nanoTime() > deadline) return r;
            assertEquals("INSUFFICIENT_FUNDS", r.path("error").path("code").asString(), r.toString());
            Thread.sleep(200);
        }
    }

    /**
     * REST orders on the order-entry port (docs/api.md): a real signed POST /api/v1/orders placed and answered as on
     * the HTTP port, the same request again refused as a replay, a forged signature refused, a batch answered per
     * order; the placed order is the engine's (its acceptance reaches the account's WebSocket session).
     */
    @Test
    @Order(0)
    void restOrdersOnTheOrderEntryPortArePlacedAsOnTheHttpPort() throws Exception {
        Client c = Client.connect(Transport.NETTY);
        assertEquals(200, c.logon(alice).path("status").asInt());
        String order = limit("BUY", "2000", "0.1", "");
        HttpResponse<String> placed = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) { // a fresh fleet may still be applying the deposits
            HttpRequest request = alice.signedPost(PORTS.gatewayWs(), "/api/v1/orders", order);
            placed = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (placed.statusCode() != 422) {
                assertEquals(202, placed.statusCode(), placed.body());
                HttpResponse<String> replayed = http.send(request, HttpResponse.BodyHandlers.ofString());
                assertEquals(401, replayed.statusCode(), replayed.body());
                assertTrue(replayed.body().contains("\"code\":\"REPLAYED_REQUEST\""), replayed.body());
                break;
            }
            Thread.sleep(200);
        }
        assertEquals(202, placed.statusCode(), placed.body());
        assertEquals("application/json", placed.headers().firstValue("Content-Type").orElse(null));
        long orderId = MessageJson.MAPPER.readTree(placed.body()).path("orderId").asLong();
        c.report("ACCEPTED", orderId);

        HttpRequest forged = bob.signedPost(PORTS.gatewayWs(), "/api/v1/orders", order);
        forged = HttpRequest.newBuilder(forged, (name, value) -> !name.equalsIgnoreCase("X-Account-Id"))
                .header("X-Account-Id", String.valueOf(alice.accountId)).build();
        HttpResponse<String> refused = http.send(forged, HttpResponse.BodyHandlers.ofString());
        assertEquals(401, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("\"code\":\"BAD_SIGNATURE\""), refused.body());
        assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(null));

        String batch = "{\"orders\":[" + limit("BUY", "2000", "0.1", "") + "," + limit("BUY", "2000.001", "0.1", "") + "]}";
        HttpResponse<String> answered = http.send(alice.signedPost(PORTS.gatewayWs(), "/api/v1/orders/batch", batch),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answered.statusCode(), answered.body());
        JsonNode results = MessageJson.MAPPER.readTree(answered.body()).path("results");
        assertEquals(202, results.get(0).path("httpStatus").asInt(), answered.body());
        assertEquals("INVALID_TICK", results.get(1).path("code").asString(), answered.body());
        c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    @Order(1)
    void requestsBeforeTheLogonAreRefusedAndTheLogonIsChecked(Transport transport) throws Exception {
        Client c = Client.connect(transport);
        for (String method : List.of("order.place", "order.cancel", "order.cancelAll", "orders.status")) {
            JsonNode r = c.call(method, method.equals("order.place") ? limit("BUY", "3000", "0.1", "") : "{\"orderId\":1}");
            assertEquals(401, r.path("status").asInt(), r.toString());
            assertEquals("NOT_LOGGED_ON", r.path("error").path("code").asString(), r.toString());
        }
        long ts = System.currentTimeMillis();
        JsonNode forged = c.call("session.logon", "{\"accountId\":" + alice.accountId + ",\"timestamp\":" + ts + ",\"signature\":\""
                + bob.sign(ts) + "\"}");
        assertEquals("BAD_SIGNATURE", forged.path("error").path("code").asString(), forged.toString());
        JsonNode stale = c.call("session.logon", "{\"accountId\":" + alice.accountId + ",\"timestamp\":" + (ts - 60_000)
                + ",\"signature\":\"" + alice.sign(ts - 60_000) + "\"}");
        assertEquals("STALE_REQUEST", stale.path("error").path("code").asString(), stale.toString());
        JsonNode unknown = c.call("order.teleport", "{}");
        assertEquals("UNKNOWN_METHOD", unknown.path("error").path("code").asString(), unknown.toString());
        c.ws.sendText("{\"id\":\"x\",\"method\":\"ping\",\"method\":\"ping\"}", true).join();
        JsonNode duplicateKey = c.await("the refusal of a duplicate key", m -> m.path("error").path("code").asString().equals("MALFORMED_REQUEST"));
        assertEquals(400, duplicateKey.path("status").asInt());

        long signedAt = System.currentTimeMillis();
        String logon = "{\"accountId\":" + alice.accountId + ",\"timestamp\":" + signedAt + ",\"signature\":\"" + alice.sign(signedAt) + "\"}";
        JsonNode ok = c.call("session.logon", logon);
        assertEquals(200, ok.path("status").asInt(), ok.toString());
        assertEquals(alice.accountId, ok.path("result").path("accountId").asLong());
        JsonNode again = c.call("session.logon", logon);
        assertEquals("ALREADY_LOGGED_ON", again.path("error").path("code").asString(), again.toString());
        Client other = Client.connect(transport);
        JsonNode replayed = other.call("session.logon", logon);
        assertEquals("REPLAYED_REQUEST", replayed.path("error").path("code").asString(), "a logon is used once: " + replayed);
        other.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();

        JsonNode out = c.call("session.logout", null);
        assertTrue(out.path("result").path("accountId").isMissingNode(), out.toString());
        JsonNode after = c.call("order.place", limit("BUY", "3000", "0.1", ""));
        assertEquals("NOT_LOGGED_ON", after.path("error").path("code").asString(), "refused after the session ended: " + after);
        c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    @Order(2)
    void ordersAndCancelsAreAnsweredWithTheirExecutionReports(Transport transport) throws Exception {
        Client a = Client.connect(transport);
        Client b = Client.connect(transport);
        long clientOrderId = 11 + transport.ordinal(); // each run its own: a repeated id answers the first order
        assertEquals(200, a.logon(alice).path("status").asInt());
        assertEquals(200, b.logon(bob).path("status").asInt());

        // Alice's bid rests: 202 with the order id, then ACCEPTED on the same connection.
        JsonNode bid = placeAccepted(a, limit("BUY", "3000", "0.5", ",\"clientOrderId\":" + clientOrderId));
        assertEquals(202, bid.path("status").asInt(), bid.toString());
        long bidId = bid.path("result").path("orderId").asLong();
        assertEquals("SEQUENCED", bid.path("result").path("status").asString());
        JsonNode accepted = a.report("ACCEPTED", bidId);
        assertEquals(alice.accountId, accepted.path("data").path("accountId").asLong());
        assertEquals(clientOrderId, accepted.path("data").path("clientOrderId").asLong());

        // Refused by the gateway (the REST code, as a response) and by the engine (a REJECTED report with its code).
        JsonNode tooBig = a.call("order.place", limit("BUY", "3000", "1000", ""));
        assertEquals(422, tooBig.path("status").asInt(), tooBig.toString());
        assertEquals("INSUFFICIENT_FUNDS", tooBig.path("error").path("code").asString());
        JsonNode postOnly = placeAccepted(b, limit("SELL", "3000", "0.1", ",\"timeInForce\":\"POST_ONLY\""));
        long postOnlyId = postOnly.path("result").path("orderId").asLong();
        assertEquals("POST_ONLY_WOULD_CROSS", b.report("REJECTED", postOnlyId).path("data").path("code").asString());

        // Bob takes 0.2 of the bid: both see the trade, each against their own order.
        JsonNode sell = b.call("order.place", limit("SELL", "3000", "0.2", ""));
        assertEquals(202, sell.path("status").asInt(), sell.toString());
        long sellId = sell.path("result").path("orderId").asLong();
        JsonNode takerTrade = b.report("TRADE", sellId);
        JsonNode makerTrade = a.report("TRADE", bidId);
        assertEquals(makerTrade.path("seq").asLong(), takerTrade.path("seq").asLong());
        assertEquals(sellId, makerTrade.path("data").path("takerOrderId").asLong());
        assertTrue(a.received.stream().noneMatch(m -> m.path("orderId").asLong() == sellId), "Alice never sees Bob's order");

        // Cross-account: Bob's connection cannot act for Alice, and cannot cancel or read her order.
        JsonNode mismatch = b.call("order.place", "{\"accountId\":" + alice.accountId + ",\"market\":\"ETH-USDT\",\"side\":\"SELL\","
                + "\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.1\"}");
        assertEquals(403, mismatch.path("status").asInt(), mismatch.toString());
        assertEquals("ACCOUNT_MISMATCH", mismatch.path("error").path("code").asString());
        JsonNode notHers = b.call("order.cancel", "{\"orderId\":" + bidId + "}");
        assertEquals(202, notHers.path("status").asInt(), "sequenced; the engine is the judge: " + notHers);
        assertEquals("NOT_ORDER_OWNER", b.report("CANCEL_REJECTED", bidId).path("data").path("code").asString());
        JsonNode peek = b.call("orders.status", "{\"orderId\":" + bidId + "}");
        assertEquals(404, peek.path("status").asInt(), peek.toString());
        assertEquals("ORDER_NOT_FOUND", peek.path("error").path("code").asString());

        // Alice reads her order (still open for the rest) and cancels it.
        JsonNode status = awaitStatus(a, bidId, "PARTIALLY_FILLED");
        assertEquals("0.2", status.path("result").path("filledQty").asString(), status.toString());
        JsonNode cancel = a.call("order.cancel", "{\"orderId\":" + bidId + "}");
        assertEquals(202, cancel.path("status").asInt(), cancel.toString());
        assertEquals("CANCEL_SEQUENCED", cancel.path("result").path("status").asString());
        JsonNode canceled = a.report("CANCELED", bidId);
        assertEquals(alice.accountId, canceled.path("data").path("accountId").asLong());

        // cancelAll: Alice's two new bids go in one command.
        long one = placeAccepted(a, limit("BUY", "2000", "0.1", "")).path("result").path("orderId").asLong();
        long two = placeAccepted(a, limit("BUY", "2001", "0.1", "")).path("result").path("orderId").asLong();
        a.report("ACCEPTED", two);
        JsonNode all = a.call("order.cancelAll", "{\"market\":\"ETH-USDT\"}");
        assertEquals("CANCEL_ALL_SEQUENCED", all.path("result").path("status").asString(), all.toString());
        a.report("CANCELED", one);
        a.report("CANCELED", two);
        JsonNode open = a.call("orders.status", "{\"open\":true}");
        assertEquals(200, open.path("status").asInt(), open.toString());
        a.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        b.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }

    static JsonNode awaitStatus(Client c, long orderId, String status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            JsonNode r = c.call("orders.status", "{\"orderId\":" + orderId + "}");
            if (status.equals(r.path("result").path("status").asString()) || System.nanoTime() > deadline) return r;
            Thread.sleep(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    @Order(3)
    void aReaderThatFallsBehindIsDisconnectedWithAReason(Transport transport) throws Exception {
        Client slow = Client.connect(transport);
        assertEquals(200, slow.logon(bob).path("status").asInt());
        slow.reading = false; // from the next message on, nothing more is read from the socket
        slow.call("ping", null);
        // Far more answers than the socket buffers and the send queue hold together (about 100 characters each).
        int requests = 150_000;
        String pad = "p".repeat(50);
        for (int i = 0; i < requests; i++) {
            slow.ws.sendText("{\"id\":\"" + pad + i + "\",\"method\":\"ping\"}", true).join();
        }
        slow.reading = true;
        slow.ws.request(Long.MAX_VALUE);
        String closed = slow.closed.get(60, TimeUnit.SECONDS);
        assertTrue(closed.startsWith("1008 SLOW_READER"), closed);
        assertTrue(slow.received.size() < requests, "the answers past the bound were dropped, not queued: " + slow.received.size());

        // The gateway itself is unaffected: a new connection is served.
        Client next = Client.connect(transport);
        assertEquals(200, next.call("ping", null).path("status").asInt());
        next.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    @Order(4)
    void aMessageOverTheBoundClosesTheConnectionWith1009(Transport transport) throws Exception {
        Client big = Client.connect(transport);
        assertEquals(200, big.call("ping", null).path("status").asInt());
        big.ws.sendText("{\"id\":\"" + "x".repeat(16 * 1024) + "\",\"method\":\"ping\"}", true);
        String closed = big.closed.get(30, TimeUnit.SECONDS);
        assertTrue(closed.startsWith("1009"), closed);
        Client next = Client.connect(transport);
        assertEquals(200, next.call("ping", null).path("status").asInt(), "the gateway is unaffected");
        next.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }
}
