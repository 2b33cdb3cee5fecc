package io.zkclob.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The API against hostile input (issue 11, API fuzzing), on the whole fleet: hand-written hostile requests sent as
 * raw bytes (huge and deeply nested bodies, wrong content types, invalid UTF-8, 1e309, -0, 40-digit integers,
 * unicode and path traversal in path parameters, very long headers, broken framing, signatures in non-canonical
 * base64), each of which must be answered with a 4xx in JSON and change nothing (no command reaches the log but
 * the matcher's own seals, no account or API key is created, no balance moves); then schemathesis (scripts/fuzz)
 * from the gateway's OpenAPI document for a bounded time, signed as a funded account, which must see no 5xx and
 * no request left unanswered; then a WebSocket flood, refused and then disconnected. FUZZ_SKIP=1 skips the
 * schemathesis step where PyPI cannot be reached (it says so; CI never sets it); FUZZ_SECONDS sets its budget.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FuzzIT {
    static final Launcher.Ports PORTS = new Launcher.Ports(24432, 24092, 24080, 24082, 24083, 24084, 24085, 24086, 24081);
    static final String OPERATOR_KEY = "dev-operator-key";
    /** A hang is an answer that does not come within this; the gateway answers every case here in milliseconds. */
    static final int ANSWER_TIMEOUT_MS = 15_000;
    static Launcher launcher;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static KeyPair keys;
    static long alice;

    @BeforeAll
    static void start() throws Exception {
        launcher = TestInfra.launcher(Files.createTempDirectory("zkclob-fuzz"), PORTS);
        launcher.start();
        keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] x509 = keys.getPublic().getEncoded();
        String publicKey = Base64.getEncoder().encodeToString(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
        Answer r = send(request("POST", "/api/v1/accounts", "application/json", "{\"publicKey\":\"" + publicKey + "\"}", List.of()));
        assertEquals(201, r.status(), r.toString());
        alice = MessageJson.MAPPER.readTree(r.body()).get("accountId").asLong();
        Answer d = send(request("POST", "/api/v1/admin/deposits", "application/json", "{\"accountId\":" + alice
                + ",\"asset\":\"USDT\",\"amount\":\"10000\",\"externalId\":1}", List.of("X-Operator-Key: " + OPERATOR_KEY)));
        assertEquals(202, d.status(), d.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!balances().contains("\"10000\"") && System.nanoTime() < deadline) Thread.sleep(100);
        assertTrue(balances().contains("\"10000\""), balances());
    }

    @AfterAll
    static void stop() {
        if (launcher != null) launcher.close();
    }

    // ------------------------------------------------------------------ raw HTTP

    record Answer(int status, String head, String body, long millis) {
        String contentType() {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:")) return line.substring(13).trim();
            }
            return "";
        }

        @Override
        public String toString() {
            return status + " " + body.substring(0, Math.min(body.length(), 300));
        }
    }

    /**
     * Sends bytes as they are (Connection: close) and reads the whole answer. Status 0: the server closed without a
     * word. A write cut short (the server answered early and closed, e.g. to an oversized body) still reads the answer.
     */
    static Answer send(byte[] request) throws IOException {
        long t0 = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", PORTS.gateway())) {
            s.setSoTimeout(ANSWER_TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
                s.shutdownOutput();
            } catch (IOException cutShort) {
                // read what was answered
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; got.size() < 1 << 20 && (n = in.read(buf)) > 0; ) got.write(buf, 0, n);
            } catch (java.net.SocketTimeoutException e) {
                if (got.size() == 0) fail("no answer within " + ANSWER_TIMEOUT_MS + " ms (a hang) to: " + head(request));
            } catch (IOException reset) {
                // a reset after the answer: keep what came
            }
            byte[] bytes = got.toByteArray();
            String text = new String(bytes, StandardCharsets.ISO_8859_1); // one char per byte: offsets are byte offsets
            long ms = (System.nanoTime() - t0) / 1_000_000;
            int split = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || split < 0) return new Answer(0, text, "", ms);
            String head = text.substring(0, split);
            byte[] body = Arrays.copyOfRange(bytes, split + 4, bytes.length);
            if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) body = dechunk(body);
            return new Answer(Integer.parseInt(text.substring(9, 12)), head, new String(body, StandardCharsets.UTF_8), ms);
        }
    }

    /** A chunked body's content (sizes in hex, each chunk followed by CRLF, a zero chunk last); what is cut short is kept. */
    static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String text = new String(chunked, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < chunked.length) {
            int eol = text.indexOf("\r\n", at);
            if (eol < 0) break;
            String size = text.substring(at, eol).split(";")[0].trim();
            if (size.isEmpty() || Integer.parseInt(size, 16) == 0) break;
            int end = Math.min(chunked.length, eol + 2 + Integer.parseInt(size, 16));
            out.write(chunked, eol + 2, end - eol - 2);
            at = end + 2;
        }
        return out.toByteArray();
    }

    static String head(byte[] request) {
        String s = new String(request, 0, Math.min(request.length, 200), StandardCharsets.ISO_8859_1);
        return s.replace("\r\n", " | ");
    }

    static byte[] request(String method, String target, String contentType, String body, List<String> headers) {
        return request(method, target, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    static byte[] request(String method, String target, String contentType, byte[] body, List<String> headers) {
        StringBuilder h = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if (contentType != null) h.append("Content-Type: ").append(contentType).append("\r\n");
        if (body != null) h.append("Content-Length: ").append(body.length).append("\r\n");
        for (String x : headers) h.append(x).append("\r\n");
        h.append("\r\n");
        byte[] head = h.toString().getBytes(StandardCharsets.UTF_8);
        if (body == null) return head;
        byte[] all = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    static byte[] sign(String method, String target, byte[] body, long ts) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(keys.getPrivate());
        s.update((ts + "\n" + method + "\n" + target + "\n").getBytes(StandardCharsets.UTF_8));
        s.update(body == null ? new byte[0] : body);
        return s.sign();
    }

    /** alice's request, signed over exactly these bytes. */
    static byte[] signedRequest(String method, String target, String contentType, byte[] body, List<String> extra) throws Exception {
        long ts = System.currentTimeMillis();
        List<String> h = new ArrayList<>(List.of("X-Account-Id: " + alice, "X-Timestamp: " + ts,
                "X-Signature: " + Base64.getEncoder().encodeToString(sign(method, target, body, ts))));
        h.addAll(extra);
        return request(method, target, contentType, body, h);
    }

    static byte[] signedJson(String method, String target, String json) throws Exception {
        return signedRequest(method, target, "application/json", json == null ? null : json.getBytes(StandardCharsets.UTF_8), List.of());
    }

    static String balances() throws Exception {
        return send(signedJson("GET", "/api/v1/balances", null)).body();
    }

    // ------------------------------------------------------------------ the state a rejected request must not change

    record State(long commandsEnd, long accounts, long apiKeys, String balances) {}

    static State state() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + PORTS.postgres() + "/gateway", "postgres", "postgres");
             ResultSet a = c.createStatement().executeQuery("SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM api_keys)")) {
            a.next();
            return new State(commandsEnd(), a.getLong(1), a.getLong(2), balances());
        }
    }

    static KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, launcher.kafkaBootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"); // every append, committed or not
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new KafkaConsumer<>(p);
    }

    static long commandsEnd() {
        TopicPartition t = new TopicPartition(Topics.COMMANDS, 0);
        try (KafkaConsumer<String, String> c = consumer()) {
            return c.endOffsets(List.of(t), Duration.ofSeconds(10)).get(t);
        }
    }

    /** The commands appended from {@code from} on that are not the matcher's own block seals. */
    static List<String> commandsSince(long from) {
        TopicPartition t = new TopicPartition(Topics.COMMANDS, 0);
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = consumer()) {
            long end = c.endOffsets(List.of(t), Duration.ofSeconds(10)).get(t);
            c.assign(List.of(t));
            c.seek(t, from);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (c.position(t) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) continue; // a transaction marker's slot
                    if (!(MessageJson.readCommand(r.value()) instanceof Command.SealBlock)) out.add(r.value());
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ 1. hand-written hostile input

    record Case(String name, byte[] request) {}

    static List<Case> hostile() throws Exception {
        List<Case> cases = new ArrayList<>();
        String order = "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"%s\",\"qty\":\"%s\"}";
        // Bodies: huge, deeply nested, not JSON, not UTF-8, numbers past every range.
        byte[] twoMb = new byte[2 << 20];
        Arrays.fill(twoMb, (byte) ' ');
        twoMb[0] = '{';
        twoMb[twoMb.length - 1] = '}';
        cases.add(new Case("2 MiB body, declared", signedRequest("POST", "/api/v1/orders", "application/json", twoMb, List.of())));
        cases.add(new Case("2 MiB body, chunked", chunked("POST", "/api/v1/orders", twoMb)));
        cases.add(new Case("nested arrays 30,000 deep", signedJson("POST", "/api/v1/orders", "[".repeat(30_000) + "]".repeat(30_000))));
        cases.add(new Case("nested objects 10,000 deep", signedJson("POST", "/api/v1/orders", "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000))));
        cases.add(new Case("unclosed nesting", signedJson("POST", "/api/v1/withdrawals", "{\"a\":[".repeat(5_000))));
        cases.add(new Case("JSON null", signedJson("POST", "/api/v1/orders", "null")));
        cases.add(new Case("empty body", signedJson("POST", "/api/v1/orders", "")));
        cases.add(new Case("a JSON string", signedJson("POST", "/api/v1/orders", "\"order\"")));
        cases.add(new Case("duplicate keys", signedJson("POST", "/api/v1/orders",
                "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"side\":\"SELL\",\"type\":\"LIMIT\",\"price\":\"1\",\"qty\":\"1\"}")));
        for (String[] pq : new String[][] {{"1e309", "0.1"}, {"3000", "1e309"}, {"-0", "0.1"}, {"3000", "-0"}, {"1e3000000", "0.1"},
                {"9".repeat(1_000_000 / 100), "0.1"}, {"3000", "1234567890123456789012345678901234567890"}, {"NaN", "1"},
                {"Infinity", "1"}, {"0x10", "1"}, {"3000", "1e-400"}, {"３０００", "1"}, {"3000", "0.1 "}, {"+3000", "0.1"}}) {
            cases.add(new Case("order price " + abbreviate(pq[0]) + " qty " + abbreviate(pq[1]),
                    signedJson("POST", "/api/v1/orders", String.format(order, pq[0], pq[1]))));
        }
        // (-0 is the integer 0 in JSON, as Jackson and every other parser read it: not refused, so not in this set.)
        for (String number : new String[] {"1e309", "1234567890123456789012345678901234567890", "1.5", "-1", "1e2"}) {
            cases.add(new Case("clientOrderId " + number, signedJson("POST", "/api/v1/orders",
                    "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.1\",\"clientOrderId\":" + number + "}")));
        }
        cases.add(new Case("price as a JSON number 1e309", signedJson("POST", "/api/v1/orders",
                "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":1e309,\"qty\":\"0.1\"}")));
        cases.add(new Case("withdrawal of 40 digits", signedJson("POST", "/api/v1/withdrawals",
                "{\"asset\":\"USDT\",\"amount\":\"1234567890123456789012345678901234567890\"}")));
        cases.add(new Case("withdrawal of -0", signedJson("POST", "/api/v1/withdrawals", "{\"asset\":\"USDT\",\"amount\":\"-0\"}")));
        cases.add(new Case("withdrawal of 1e309", signedJson("POST", "/api/v1/withdrawals", "{\"asset\":\"USDT\",\"amount\":1e309}")));
        cases.add(new Case("deposit of 1e309", request("POST", "/api/v1/admin/deposits", "application/json", "{\"accountId\":" + alice
                + ",\"asset\":\"USDT\",\"amount\":\"1e309\",\"externalId\":9}", List.of("X-Operator-Key: " + OPERATOR_KEY))));
        cases.add(new Case("deposit to account 1e20", request("POST", "/api/v1/admin/deposits", "application/json",
                "{\"accountId\":100000000000000000000,\"asset\":\"USDT\",\"amount\":\"1\",\"externalId\":9}", List.of("X-Operator-Key: " + OPERATOR_KEY))));
        String withMarker = "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.1\",\"x\":\"@\"}";
        for (byte[] bad : new byte[][] {{(byte) 0xC3, 0x28}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF}}) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int at = withMarker.indexOf('@');
            body.writeBytes(withMarker.substring(0, at).getBytes(StandardCharsets.UTF_8));
            body.writeBytes(bad);
            body.writeBytes(withMarker.substring(at + 1).getBytes(StandardCharsets.UTF_8));
            cases.add(new Case("invalid UTF-8 " + java.util.HexFormat.of().formatHex(bad),
                    signedRequest("POST", "/api/v1/orders", "application/json", body.toByteArray(), List.of())));
        }
        byte[] utf16 = String.format(order, "3000", "0.1").getBytes(StandardCharsets.UTF_16);
        cases.add(new Case("UTF-16 body", signedRequest("POST", "/api/v1/orders", "application/json", utf16, List.of())));
        // Content types.
        byte[] okOrder = String.format(order, "3000", "0.1").getBytes(StandardCharsets.UTF_8);
        for (String type : new String[] {"text/plain", "application/xml", "multipart/form-data", "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded", "application/json; charset=utf-16", "application/json; charset=nope", "*/*", ";;;"}) {
            cases.add(new Case("order as " + type, signedRequest("POST", "/api/v1/orders", type, okOrder, List.of())));
        }
        cases.add(new Case("order without a content type", signedRequest("POST", "/api/v1/orders", null, okOrder, List.of())));
        cases.add(new Case("register as multipart", request("POST", "/api/v1/accounts", "multipart/form-data", "x", List.of())));
        cases.add(new Case("register a 31-byte key", request("POST", "/api/v1/accounts", "application/json",
                "{\"publicKey\":\"" + Base64.getEncoder().encodeToString(new byte[31]) + "\"}", List.of())));
        cases.add(new Case("register a 1e309 key", request("POST", "/api/v1/accounts", "application/json", "{\"publicKey\":1e309}", List.of())));
        cases.add(new Case("API key with 40-digit permissions", signedJson("POST", "/api/v1/apiKeys",
                "{\"label\":\"x\",\"permissions\":[1234567890123456789012345678901234567890]}")));
        cases.add(new Case("API key label of 100,000 characters", signedJson("POST", "/api/v1/apiKeys",
                "{\"label\":\"" + "x".repeat(60_000) + "\",\"permissions\":[\"READ\"]}")));
        // Path parameters: traversal, unicode, numbers out of range.
        for (String path : new String[] {"/api/v1/orders/..%2F..%2Fetc%2Fpasswd", "/api/v1/orders/%2e%2e/%2e%2e/etc/passwd",
                "/api/v1/orders/../../../etc/passwd", "/api/v1/orders/..;/..;/actuator/env", "/api/v1/orders/1234567890123456789012345678901234567890",
                "/api/v1/orders/-0", "/api/v1/orders/1e309", "/api/v1/orders/-1", "/api/v1/orders/%00", "/api/v1/orders/%C0%AF",
                "/api/v1/orders/1%0d%0aX-Injected:%201", "/api/v1/markets/ETH-U%C5%BFDT/depth", "/api/v1/markets/eth-usdt/depth",
                "/api/v1/markets/%F0%9F%92%A9/trades", "/api/v1/markets/..%5C..%5Cwindows/depth", "/api/v1/markets/ETH-USDT/depth?levels=1e309",
"/api/v1/markets/ETH-USDT/trades?limit=1234567890123456789012345678901234567890",
                "/api/v1/blocks/1e309", "/api/v1/blocks/-1/commands", "/api/v1/blocks/%2e%2e", "/api/v1/proofs/..%2f",
                "/api/v3/depth?symbol=..%2F..%2Fetc&limit=5", "/api/v3/depth?symbol=ETHUSDT&limit=1e309",
                "/api/v3/klines?symbol=ETHUSDT&interval=1m&startTime=1234567890123456789012345678901234567890",
                "/api/v3/trades?symbol=ETH%C5%BFUSDT", "/%2e%2e/%2e%2e/etc/passwd", "/api/v1/%ZZ", "/api/v1/orders/%"}) {
            cases.add(new Case("GET " + path, path.startsWith("/api/v1/orders")
                    ? signedRequest("GET", path, null, null, List.of()) : request("GET", path, null, (byte[]) null, List.of())));
        }
        // Found by schemathesis: a query parameter without a name was 503 "retry later" (Tomcat's own refusal).
        cases.add(new Case("GET /api/v1/orders?clientOrderId=0&=null", signedRequest("GET", "/api/v1/orders?clientOrderId=0&=null",
                null, null, List.of())));
        cases.add(new Case("GET /api/v3/depth?=x&symbol=ETHUSDT", request("GET", "/api/v3/depth?=x&symbol=ETHUSDT", null, (byte[]) null,
                List.of())));
        cases.add(new Case("DELETE /api/v1/orders/-1", signedRequest("DELETE", "/api/v1/orders/-1", null, null, List.of())));
        cases.add(new Case("DELETE /api/v1/orders/40 digits", signedRequest("DELETE", "/api/v1/orders/1234567890123456789012345678901234567890",
                null, null, List.of())));
        cases.add(new Case("Binance order of 1e309", request("POST", "/api/v3/order", "application/x-www-form-urlencoded",
                "symbol=ETHUSDT&side=BUY&type=LIMIT&quantity=1e309&price=1&timestamp=1&signature=00", List.of("X-MBX-APIKEY: nope"))));
        cases.add(new Case("Binance key of 100,000 characters", request("GET", "/api/v3/account?timestamp=1&signature=00", null, (byte[]) null,
                List.of("X-MBX-APIKEY: " + "k".repeat(7_000)))));
        // Headers: very long, many, odd; framing.
        cases.add(new Case("a 100 KiB header", request("GET", "/api/v1/markets", null, (byte[]) null, List.of("X-Long: " + "a".repeat(100 * 1024)))));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) many.add("X-H" + i + ": v");
        cases.add(new Case("5,000 headers", request("GET", "/api/v1/markets", null, (byte[]) null, many)));
        cases.add(new Case("a 100 KiB URL", request("GET", "/api/v1/markets?x=" + "a".repeat(100 * 1024), null, (byte[]) null, List.of())));
        cases.add(new Case("a 7 KiB X-Signature", request("POST", "/api/v1/orders", "application/json", okOrder,
                List.of("X-Account-Id: " + alice, "X-Timestamp: " + System.currentTimeMillis(), "X-Signature: " + "A".repeat(7 * 1024)))));
        cases.add(new Case("X-Account-Id of 40 digits", request("GET", "/api/v1/balances", null, (byte[]) null,
                List.of("X-Account-Id: 1234567890123456789012345678901234567890", "X-Timestamp: 1", "X-Signature: x"))));
        cases.add(new Case("X-Timestamp 1e309", request("GET", "/api/v1/balances", null, (byte[]) null,
                List.of("X-Account-Id: " + alice, "X-Timestamp: 1e309", "X-Signature: x"))));
        cases.add(new Case("a header without a colon", "GET /api/v1/markets HTTP/1.1\r\nHost: x\r\nno colon here\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)));
        cases.add(new Case("a header with a control character", "GET /api/v1/markets HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)));
        cases.add(new Case("Content-Length of 40 digits", ("POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1234567890123456789012345678901234567890\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1)));
        cases.add(new Case("Content-Length of -1", ("POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: -1\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1)));
        cases.add(new Case("two Content-Lengths", ("POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1)));
        cases.add(new Case("a bad chunk size", ("POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
        cases.add(new Case("an unknown method", request("BREW", "/api/v1/orders", null, (byte[]) null, List.of())));
        cases.add(new Case("a request line of garbage", "\u0000\u0001\u0002 / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        cases.add(new Case("HTTP/9.9", "GET /api/v1/markets HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        // Signatures in non-canonical base64 over a valid withdrawal: the same 64 bytes, written otherwise.
        byte[] withdrawal = "{\"asset\":\"USDT\",\"amount\":\"1\"}".getBytes(StandardCharsets.UTF_8);
        for (String variant : new String[] {"unpadded", "low bits", "urlsafe", "with a space", "with a newline", "lowercase hex"}) {
            long ts = System.currentTimeMillis();
            byte[] raw = sign("POST", "/api/v1/withdrawals", withdrawal, ts);
            String canonical = Base64.getEncoder().encodeToString(raw);
            String sig = switch (variant) {
                case "unpadded" -> canonical.replace("=", "");
                case "low bits" -> canonical.substring(0, 85) + flipLowBit(canonical.charAt(85)) + "==";
                case "urlsafe" -> Base64.getUrlEncoder().encodeToString(raw);
                case "with a space" -> canonical.substring(0, 40) + " " + canonical.substring(40);
                case "with a newline" -> canonical.substring(0, 76) + "\r\n " + canonical.substring(76);
                default -> java.util.HexFormat.of().formatHex(raw);
            };
            if (variant.equals("urlsafe") && sig.equals(canonical)) continue; // no '+' or '/' in this one: nothing to test
            cases.add(new Case("signature " + variant, request("POST", "/api/v1/withdrawals", "application/json", withdrawal,
                    List.of("X-Account-Id: " + alice, "X-Timestamp: " + ts, "X-Signature: " + sig))));
        }
        return cases;
    }

    static char flipLowBit(char c) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        return alphabet.charAt(alphabet.indexOf(c) ^ 1);
    }

    static String abbreviate(String s) {
        return s.length() > 24 ? s.substring(0, 12) + "…(" + s.length() + " chars)" : s;
    }

    static byte[] chunked(String method, String target, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (int at = 0; at < body.length; at += 65_536) {
            int n = Math.min(65_536, body.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    @Test
    @Order(1)
    void hostileInputIsRefusedWith4xxInJsonAndChangesNothing() throws Exception {
        State before = state();
        List<Case> cases = hostile();
        List<String> wrong = new ArrayList<>();
        long slowestMs = 0;
        for (Case c : cases) {
            Answer a = send(c.request());
            slowestMs = Math.max(slowestMs, a.millis());
            String line = String.format("hostile %-50s %3d %5d ms %s", c.name(), a.status(), a.millis(),
                    a.body().substring(0, Math.min(140, a.body().length())).replace('\n', ' '));
            System.out.println(line);
            // Framing the HTTP server cannot parse may be answered by closing (status 0); everything else is a 4xx in JSON.
            boolean ok = a.status() >= 400 && a.status() < 500 && a.contentType().contains("json");
            if (!ok) wrong.add(line);
        }
        State after = state();
        System.out.printf("hostile cases: %d  refused with 4xx in JSON: %d  wrong: %d  slowest: %d ms%n", cases.size(),
                cases.size() - wrong.size(), wrong.size(), slowestMs);
        assertTrue(wrong.isEmpty(), "answered otherwise than 4xx problem JSON:\n" + String.join("\n", wrong));
        assertEquals(List.of(), commandsSince(before.commandsEnd()), "a refused request appended a command");
        assertEquals(before.accounts(), after.accounts(), "a refused registration created an account");
        assertEquals(before.apiKeys(), after.apiKeys(), "a refused request created an API key");
        assertEquals(before.balances(), after.balances(), "a refused request moved funds");
    }

    // ------------------------------------------------------------------ 2. schemathesis from the OpenAPI document

    @Test
    @Order(2)
    void schemathesisFromTheOpenApiDocumentFindsNo5xxAndNoHang() throws Exception {
        if ("1".equals(System.getenv("FUZZ_SKIP"))) {
            System.out.println("FUZZ_SKIP=1: NOT running schemathesis against the fleet");
            return;
        }
        String seconds = System.getenv().getOrDefault("FUZZ_SECONDS", "45");
        Path script = Path.of("..", "scripts", "fuzz").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "http://127.0.0.1:" + PORTS.gateway(), seconds).redirectErrorStream(true);
        // Conformance to the OpenAPI document is enforced (issue 11 #12): FUZZ_STRICT=0 only reports it. The bounded
        // run uses one seed, so that ./scripts/test judges the same cases every time (a time budget still cuts the
        // sequence where the machine's speed puts it); FUZZ_SEED=random, or scripts/fuzz alone, explores.
        pb.environment().putIfAbsent("FUZZ_STRICT", "1");
        if ("random".equals(pb.environment().get("FUZZ_SEED"))) pb.environment().remove("FUZZ_SEED");
        else pb.environment().putIfAbsent("FUZZ_SEED", "20261127");
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                System.out.println("[fuzz] " + line);
                out.append(line).append('\n');
            }
        }
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        assertEquals(0, done ? p.exitValue() : -1, "scripts/fuzz found a 5xx, a hang or a response against the document:\n" + out);
        assertTrue(out.toString().contains("fuzz requests: "), out.toString());
    }

    // ------------------------------------------------------------------ 3. a WebSocket flood

    @Test
    @Order(3)
    void aWebSocketFloodIsRefusedThenDisconnected() throws Exception {
        List<String> frames = new CopyOnWriteArrayList<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + PORTS.gateway() + "/api/v1/ws"),
                new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            frames.add(partial.toString());
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
                }).get(10, TimeUnit.SECONDS);
        // Far more than the address's burst (4,000 by default), as fast as the socket takes them; stops at the close.
        int sent = 0;
        for (; sent < 200_000 && !closed.isDone(); sent++) {
            try {
                ws.sendText("{\"id\":" + sent + ",\"method\":\"ping\"}", true).get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                break; // the server closed while this was being sent
            }
        }
        String reason = closed.get(60, TimeUnit.SECONDS);
        long refused = frames.stream().filter(f -> f.contains("\"status\":429") && f.contains("RATE_LIMITED")).count();
        System.out.printf("websocket flood: sent %d, answered %d, refused %d (429 RATE_LIMITED), closed: %s%n", sent, frames.size(),
                refused, reason);
        assertTrue(refused > 0, "no RATE_LIMITED error frame among " + frames.size());
        assertTrue(reason.startsWith("1008 RATE_LIMITED"), reason);
    }
}
