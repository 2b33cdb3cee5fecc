package io.zkclob.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.zkclob.contracts.json.MessageJson;
import io.zkclob.gateway.InMemoryOrderEntry;
import io.zkclob.gateway.RateLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * POST /api/v1/orders and /api/v1/orders/batch on the order-entry port (the event loop) answer what the HTTP port
 * answers (its filters, PlaceOrderFilter, the endpoints and their advice, over the same in-memory collaborators):
 * the same status, content type, body and Retry-After, for placements, batches and every kind of refusal; with
 * keep-alive and pipelined requests answered in order, a body past the bound refused with 413, the address's rate
 * charged per request, and other methods and paths refused.
 */
class NettyRestOrderEntryTest {
    static final String ORDER = "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.01\"}";
    final InMemoryOrderEntry backend = new InMemoryOrderEntry();
    final HttpClient client = HttpClient.newHttpClient();
    NettyOrderEntryServer server;

    void start(RateLimits limits) {
        server = new NettyOrderEntryServer(new OrderEntryProtocol(backend.entry, new WsSessions(100, 64 * 1024, 20_000), limits),
                backend.rest, limits, "127.0.0.1", 0, 1, 100);
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop();
    }

    /** One request, as both ports receive it. */
    record Req(String path, String contentType, String accountId, String body) {
        static Req order(String body) {
            return new Req("/api/v1/orders", "application/json", "1", body);
        }
    }

    /** An answer's parts that both ports must agree on. */
    record Answer(int status, String contentType, String body, String retryAfter) {}

    Answer viaOrderEntryPort(Req r) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + r.path()))
                .POST(HttpRequest.BodyPublishers.ofString(r.body() == null ? "" : r.body()))
                .header("X-Timestamp", "1").header("X-Signature", "x");
        if (r.contentType() != null) b.header("Content-Type", r.contentType());
        if (r.accountId() != null) b.header("X-Account-Id", r.accountId());
        HttpResponse<String> res = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(res.statusCode(), res.headers().firstValue("Content-Type").orElse(null), res.body(),
                res.headers().firstValue("Retry-After").orElse(null));
    }

    Answer viaHttpPort(Req r) throws Exception {
        MockHttpServletRequestBuilder b = post(r.path()).header("X-Timestamp", "1").header("X-Signature", "x");
        if (r.body() != null) b.content(r.body().getBytes(StandardCharsets.UTF_8));
        if (r.contentType() != null) b.contentType(r.contentType());
        if (r.accountId() != null) b.header("X-Account-Id", r.accountId());
        var result = backend.http.perform(b).andReturn();
        if (result.getRequest().isAsyncStarted()) { // the batch: Spring MVC's own async result
            result = backend.http.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch(result)).andReturn();
        }
        MockHttpServletResponse res = result.getResponse();
        return new Answer(res.getStatus(), res.getContentType(), res.getContentAsString(StandardCharsets.UTF_8), res.getHeader("Retry-After"));
    }

    /** The body with the order ids taken out (each port's placement is its own append, so its own seq). */
    static JsonNode withoutOrderIds(String body) {
        JsonNode tree = MessageJson.MAPPER.readTree(body);
        strip(tree);
        return tree;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) o.remove("orderId");
        for (JsonNode child : node) strip(child);
    }

    static void same(Answer expected, Answer actual) {
        assertEquals(expected.status(), actual.status(), actual.body());
        assertEquals(expected.contentType(), actual.contentType(), actual.body());
        assertEquals(withoutOrderIds(expected.body()), withoutOrderIds(actual.body()));
        assertEquals(expected.retryAfter(), actual.retryAfter());
    }

    @Test
    void placementsBatchesAndRefusalsAreAnsweredAsOnTheHttpPort() throws Exception {
        start(RateLimits.of(0, 0, 0, 0, 1_000, 100, System::nanoTime));
        String batch = "{\"orders\":[" + ORDER + "," + ORDER.replace("ETH-USDT", "NOPE") + "]}";
        List<Req> requests = List.of(
                Req.order(ORDER), // 202
                Req.order(ORDER.replace("}", ",\"clientOrderId\":0}")), // 202
                new Req("/api/v1/orders/batch", "application/json", "1", batch), // 200, one placed, one 404
                Req.order(ORDER.replace("ETH-USDT", "eth-usdt")), // 404 UNKNOWN_MARKET
                Req.order(ORDER.replace("3000", "3000.001")), // 422 INVALID_TICK
                Req.order(ORDER.replace("0.01", "100000")), // 422 INSUFFICIENT_FUNDS
                Req.order("null"), // 400 MALFORMED_REQUEST
                Req.order("{\"market\":"), // 400 MALFORMED_REQUEST
                new Req("/api/v1/orders", "application/json", "1", null), // no body: 400
                new Req("/api/v1/orders", "text/plain", "1", ORDER), // 415
                new Req("/api/v1/orders", "application/json", null, ORDER), // 401 MISSING_SIGNATURE
                new Req("/api/v1/orders/batch", "application/json", "1", "{\"orders\":[]}"), // 400
                new Req("/api/v1/orders/batch", "application/json", "1", "{\"orders\":[{\"market\":\"ETH-USDT\"}]}")); // 400
        List<Integer> statuses = new ArrayList<>();
        for (Req r : requests) {
            Answer expected = viaHttpPort(r);
            Answer actual = viaOrderEntryPort(r);
            same(expected, actual);
            statuses.add(actual.status());
        }
        assertEquals(List.of(202, 202, 200, 404, 422, 422, 400, 400, 400, 415, 401, 400, 400), statuses);
    }

    @Test
    void keepAliveAndPipelinedRequestsAreAnsweredInOrder() throws Exception {
        start(RateLimits.of(0, 0, 0, 0, 1_000, 100, System::nanoTime));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(raw(ORDER).getBytes(StandardCharsets.US_ASCII));
            out.write(raw(ORDER.replace("ETH-USDT", "NOPE")).getBytes(StandardCharsets.US_ASCII));
            out.write(raw(ORDER).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) answers.add(readResponse(in));
            assertTrue(answers.get(0).startsWith("HTTP/1.1 202"), answers.get(0));
            assertTrue(answers.get(1).startsWith("HTTP/1.1 404") && answers.get(1).contains("UNKNOWN_MARKET"), answers.get(1));
            assertTrue(answers.get(2).startsWith("HTTP/1.1 202"), answers.get(2));
            long first = MessageJson.MAPPER.readTree(body(answers.get(0))).path("orderId").asLong();
            long third = MessageJson.MAPPER.readTree(body(answers.get(2))).path("orderId").asLong();
            assertTrue(third > first, "the answers follow the requests: " + first + ", " + third);
        }
    }

    /**
     * An account whose key must be read from the database (its first request since the gateway started, an unknown
     * account) is checked off the event loop: other connections are answered meanwhile, and the same connection's
     * later requests wait for it, so its orders reach the log in the order they were sent.
     */
    @Test
    void aKeyReadFromTheDatabaseBlocksNeitherTheLoopNorTheConnectionsOrder() throws Exception {
        start(RateLimits.of(0, 0, 0, 0, 1_000, 100, System::nanoTime));
        java.util.concurrent.CountDownLatch keyRead = new java.util.concurrent.CountDownLatch(1);
        backend.slowKeyRead(keyRead);
        try (Socket a = new Socket("127.0.0.1", server.port())) {
            String fromAccount2 = raw(ORDER).replace("X-Account-Id: 1", "X-Account-Id: 2");
            a.getOutputStream().write((fromAccount2 + raw(ORDER)).getBytes(StandardCharsets.US_ASCII)); // pipelined
            a.getOutputStream().flush();
            Answer other = viaOrderEntryPort(Req.order(ORDER)); // another connection, while account 2's key is read
            assertEquals(202, other.status(), other.body());
            assertEquals(1, backend.producer.history().size(), "only the other connection's order is appended so far");
            keyRead.countDown();
            String first = readResponse(a.getInputStream());
            String second = readResponse(a.getInputStream());
            assertTrue(first.startsWith("HTTP/1.1 202") && second.startsWith("HTTP/1.1 202"), first + second);
            long firstId = MessageJson.MAPPER.readTree(body(first)).path("orderId").asLong();
            long secondId = MessageJson.MAPPER.readTree(body(second)).path("orderId").asLong();
            assertTrue(secondId > firstId, "appended in the order sent: " + firstId + ", " + secondId);
        }
        assertEquals(List.of("2", "1"), backend.producer.history().subList(1, 3).stream().map(rec -> rec.key()).toList());
    }

    @Test
    void aBodyPastTheBoundIs413AndTheConnectionCloses() throws Exception {
        start(RateLimits.of(0, 0, 0, 0, 1_000, 100, System::nanoTime));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            // Declared: answered on the head alone (a client still sending the body would meet the close as a reset).
            String big = "x".repeat(64 * 1024 + 1);
            String head = raw(big);
            s.getOutputStream().write(head.substring(0, head.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.US_ASCII));
            String answer = readResponse(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413") && answer.contains("PAYLOAD_TOO_LARGE"), answer);
            assertEquals(-1, s.getInputStream().read(), "closed");
        }
        assertTrue(backend.producer.history().isEmpty(), "nothing refused reaches the log");
    }

    @Test
    void eachRequestIsChargedToTheAddress() throws Exception {
        start(RateLimits.of(1, 2, 0, 0, 1_000, 100, () -> 0));
        assertEquals(202, viaOrderEntryPort(Req.order(ORDER)).status());
        assertEquals(202, viaOrderEntryPort(Req.order(ORDER)).status());
        Answer third = viaOrderEntryPort(Req.order(ORDER));
        assertEquals(429, third.status(), third.body());
        assertTrue(third.body().contains("\"code\":\"RATE_LIMITED\""), third.body());
        assertTrue(third.retryAfter() != null && Long.parseLong(third.retryAfter()) >= 1, third.retryAfter());
        assertEquals(2, backend.producer.history().size(), "the refused one is not appended");
    }

    @Test
    void aConnectionCloseRequestIsAnsweredAndClosed() throws Exception {
        start(RateLimits.of(0, 0, 0, 0, 1_000, 100, System::nanoTime));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(raw(ORDER).replace("Host: 127.0.0.1\r\n", "Host: 127.0.0.1\r\nConnection: close\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readResponse(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 202"), answer);
            assertTrue(answer.toLowerCase().contains("connection: close"), answer);
            assertEquals(-1, s.getInputStream().read(), "closed");
        }
        assertFalse(backend.producer.history().isEmpty());
    }

    static String raw(String body) {
        return "POST /api/v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Account-Id: 1\r\n"
                + "X-Timestamp: 1\r\nX-Signature: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /** One response: its head and its Content-Length body. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("closed after " + head);
            head.write(b);
        }
        String h = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
        }
        return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
}
