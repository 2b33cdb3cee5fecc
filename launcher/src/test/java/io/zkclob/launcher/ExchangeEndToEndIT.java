package io.zkclob.launcher;

import static org.junit.jupiter.api.Assertions.*;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.BlockSealed;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.engine.Exchange;
import io.zkclob.engine.Sha256;
import io.zkclob.support.ServiceToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The whole fleet on the embedded default (real KRaft Kafka, real PostgreSQL 17), each service its own Spring
 * application talking to the others only over HTTP and Kafka; this test talks to the gateway over HTTP and
 * reads the public topics. Steps share one exchange, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExchangeEndToEndIT {
    static Launcher launcher;
    static Path data;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static String base;
    static Trader alice;
    static Trader bob;

    record Response(int status, JsonNode body) {
        String code() {
            return body.path("code").asString();
        }
    }

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
    }

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("zkclob-e2e");
        launcher = TestInfra.launcher(data, new Launcher.Ports(25432, 29092, 28080, 28082, 28083, 28084, 28085, 28086, 28081));
        launcher.start();
        base = "http://127.0.0.1:28080/api/v1";
        alice = register();
        bob = register();
    }

    @AfterAll
    static void stop() {
        if (launcher != null) launcher.close();
        // The fleet's Kafka log and PostgreSQL (about 100 MB): every run left one behind in /tmp.
        try {
            if (data != null) org.springframework.util.FileSystemUtils.deleteRecursively(data);
        } catch (java.io.IOException e) {
            System.err.println("could not remove " + data + ": " + e);
        }
    }

    static Trader register() throws Exception {
        Trader t = new Trader();
        Response r = send("POST", "/accounts", "{\"publicKey\":\"" + t.publicKeyBase64() + "\"}", null, null);
        assertEquals(201, r.status(), r.body().toString());
        t.accountId = r.body().get("accountId").asLong();
        return t;
    }

    static Response send(String method, String path, String body, Trader signer, Map<String, String> headers) throws Exception {
        return send(method, path, body, signer, headers, System.currentTimeMillis(), null);
    }

    static Response send(String method, String path, String body, Trader signer, Map<String, String> headers, long ts,
                         String forcedSignature) throws Exception {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (signer != null) {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(signer.keys.getPrivate());
            s.update((ts + "\n" + method + "\n/api/v1" + path + "\n").getBytes(StandardCharsets.UTF_8));
            s.update(bytes);
            String sig = forcedSignature != null ? forcedSignature : Base64.getEncoder().encodeToString(s.sign());
            b.header("X-Account-Id", String.valueOf(signer.accountId)).header("X-Timestamp", String.valueOf(ts))
                    .header("X-Signature", sig);
        }
        if (headers != null) headers.forEach(b::header);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isEmpty() ? MessageJson.MAPPER.createObjectNode() : MessageJson.MAPPER.readTree(r.body());
        return new Response(r.statusCode(), json);
    }

    static Response deposit(Trader t, String asset, String amount, long externalId) throws Exception {
        return send("POST", "/admin/deposits", "{\"accountId\":" + t.accountId + ",\"asset\":\"" + asset + "\",\"amount\":\""
                + amount + "\",\"externalId\":" + externalId + "}", null, Map.of("X-Operator-Key", "dev-operator-key"));
    }

    static Response order(Trader t, String json) throws Exception {
        return send("POST", "/orders", json, t, null);
    }

    static Map<String, String[]> balances(Trader t) throws Exception {
        Response r = send("GET", "/balances", null, t, null);
        assertEquals(200, r.status(), r.body().toString());
        Map<String, String[]> out = new java.util.HashMap<>();
        r.body().forEach(b -> out.put(b.get("asset").asString(), new String[] {b.get("available").asString(), b.get("locked").asString()}));
        return out;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(100);
        }
        fail("timed out waiting for " + what);
    }

    /** The first event on exchange.events that matches, read from the start of the log (at most 60 s). */
    @SuppressWarnings("unchecked")
    static <E extends Event> E awaitEvent(String what, java.util.function.Predicate<Event> match) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaConsumer<String, String> c = consumer()) {
            TopicPartition ev = new TopicPartition(Topics.EVENTS, 0);
            c.assign(List.of(ev));
            c.seekToBeginning(List.of(ev));
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    Event e = MessageJson.readEvent(r.value());
                    if (match.test(e)) return (E) e;
                }
            }
        }
        fail("timed out waiting for " + what);
        return null;
    }

    static boolean balanceIs(Trader t, String asset, String available, String locked) {
        try {
            String[] b = balances(t).get(asset);
            return b != null && b[0].equals(available) && b[1].equals(locked);
        } catch (Exception e) {
            return false;
        }
    }

    static String fillsOf(Trader t) {
        try {
            return send("GET", "/trades", null, t, null).body().toString();
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    @Order(1)
    void depositsCreditOnceAndTradesSettleExactlyWithFees() throws Exception {
        assertEquals(202, deposit(alice, "USDT", "10000", 101).status());
        assertEquals(202, deposit(alice, "USDT", "10000", 101).status(), "a repeated bridge credit is sequenced...");
        assertEquals(202, deposit(bob, "ETH", "2", 102).status());
        await("deposits", () -> balanceIs(alice, "USDT", "10000", "0") && balanceIs(bob, "ETH", "2", "0"));
        Thread.sleep(500);
        assertTrue(balanceIs(alice, "USDT", "10000", "0"), "...but credits once");

        Response sell = order(bob, "{\"market\":\"ETH-USDT\",\"side\":\"SELL\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.5\"}");
        assertEquals(202, sell.status(), sell.body().toString());
        Response buy = order(alice, "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3010\",\"qty\":\"0.5\",\"clientOrderId\":7}");
        assertEquals(202, buy.status(), buy.body().toString());
        long buyId = buy.body().get("orderId").asLong();
        long sellId = sell.body().get("orderId").asLong();

        // Maker price 3000: Alice pays 1500 + 0.2% = 1503; Bob receives 1500 - 0.1% = 1498.5.
        await("settlement", () -> balanceIs(alice, "USDT", "8497", "0") && balanceIs(alice, "ETH", "0.5", "0")
                && balanceIs(bob, "USDT", "1498.5", "0") && balanceIs(bob, "ETH", "1.5", "0"));
        // Balances come from the ledger, order states from the order store: two consumers of the events, each
        // at its own pace, so the order store is awaited too rather than read once.
        await("both orders FILLED in the order store",
                () -> "FILLED".equals(statusOf(alice, buyId)) && "FILLED".equals(statusOf(bob, sellId)));
        // Fills come from the trade tape (its own consumer of the events): wait for it, then check the typed fields.
        await("fills on the trade tape", () -> fillsOf(alice).contains("\"orderId\":" + buyId)
                && fillsOf(bob).contains("\"orderId\":" + sellId));
        JsonNode fill = send("GET", "/trades", null, alice, null).body().get(0);
        assertEquals("TAKER", fill.get("role").asString(), fill.toString());
        assertEquals("3000", fill.get("price").asString(), fill.toString());
        assertEquals("3", fill.get("fee").asString(), fill.toString());
        assertTrue(fill.get("tradeId").asLong() > 0 && fill.get("timeMs").asLong() > 0, fill.toString());
        JsonNode tape = send("GET", "/markets/ETH-USDT/trades", null, null, null).body();
        assertEquals(fill.get("tradeId").asLong(), tape.get(tape.size() - 1).get("tradeId").asLong(), tape.toString());
        JsonNode ticker = send("GET", "/markets/ETH-USDT/ticker", null, null, null).body();
        assertEquals("3000", ticker.get("last").asString(), ticker.toString());
        JsonNode candles = send("GET", "/markets/ETH-USDT/candles?interval=1m", null, null, null).body();
        assertEquals("3000", candles.get(candles.size() - 1).get("close").asString(), candles.toString());

        // The same clientOrderId again, after the order filled, is answered with the original order (the
        // engine rejects the repeat and names it), not placed twice.
        Response again = order(alice, "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3010\",\"qty\":\"0.5\",\"clientOrderId\":7}");
        assertEquals(202, again.status(), again.body().toString());
        assertEquals(buyId, again.body().get("orderId").asLong());
        assertTrue(again.body().get("duplicate").asBoolean(), again.body().toString());
        assertEquals(1, acceptedWithClientOrderId(alice, 7), "placed once");

        // The trade is on the public trades topic.
        try (KafkaConsumer<String, String> c = consumer()) {
            List<String> trades = new ArrayList<>();
            for (int p = 0; p < Topics.TRADES_PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(Topics.TRADES, p);
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                long end = c.endOffsets(List.of(tp)).get(tp);
                while (c.position(tp) < end) for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) trades.add(r.value());
            }
            assertTrue(trades.stream().anyMatch(t -> t.contains("\"takerOrderId\":" + buyId) && t.contains("\"makerOrderId\":" + sellId)),
                    trades.toString());
        }
        assertConservation();
    }

    /**
     * A gateway that crashed after its append reached the log, before it answered: the order is in the log (here
     * appended as that gateway did) and fills; the client retries with the same clientOrderId through a
     * restarted gateway and gets the original order back, placed once.
     */
    @Test
    @Order(7)
    void aClientOrderIdRetriedAfterAGatewayRestartIsPlacedOnce() throws Exception {
        Trader carol = register();
        Trader dave = register();
        assertEquals(202, deposit(carol, "USDT", "1000", 901).status());
        assertEquals(202, deposit(dave, "ETH", "1", 902).status());
        await("deposits", () -> balanceIs(carol, "USDT", "1000", "0") && balanceIs(dave, "ETH", "1", "0"));
        assertEquals(202, order(dave, "{\"market\":\"ETH-USDT\",\"side\":\"SELL\",\"type\":\"LIMIT\",\"price\":\"3500\",\"qty\":\"0.1\"}").status());
        // 3500 USDT, 0.1 ETH in the engine's units (USDT 6 decimals, ETH 8).
        appendToLog(new Command.PlaceOrder(Command.UNSEQUENCED, 0, carol.accountId, 1, 501, Side.BUY, OrderType.LIMIT,
                TimeInForce.GTC, 3_500_000_000L, 10_000_000L, 0));
        Event.OrderAccepted first = awaitEvent("the first placement", e -> e instanceof Event.OrderAccepted a
                && a.accountId() == carol.accountId && a.clientOrderId() == 501);
        await("filled", () -> balanceIs(carol, "ETH", "0.1", "0"));

        launcher.stopService("gateway");
        launcher.startService("gateway");
        // A restarted gateway refuses requests signed before its predecessor's replay horizon (about 15 s ahead,
        // docs/api.md): the client signs again until it is past (a refused request appends nothing).
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (send("GET", "/balances", null, carol, null).status() == 401 && System.nanoTime() < deadline) Thread.sleep(500);
        Response retry = order(carol, "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3500\",\"qty\":\"0.1\",\"clientOrderId\":501}");
        assertEquals(202, retry.status(), retry.body().toString());
        assertEquals(first.orderId(), retry.body().get("orderId").asLong(), retry.body().toString());
        assertTrue(retry.body().get("duplicate").asBoolean(), retry.body().toString());
        assertEquals(1, acceptedWithClientOrderId(carol, 501), "placed once");
        assertTrue(balanceIs(carol, "ETH", "0.1", "0"));
        assertConservation();
    }

    /** An id whose order the engine rejected was never placed: it can be used again (it is not "duplicate"). */
    @Test
    @Order(8)
    void aRejectedOrdersClientOrderIdCanBeUsedAgain() throws Exception {
        Trader erin = register();
        Trader frank = register();
        assertEquals(202, deposit(erin, "USDT", "1000", 903).status());
        assertEquals(202, deposit(frank, "ETH", "1", 904).status());
        await("deposits", () -> balanceIs(erin, "USDT", "1000", "0") && balanceIs(frank, "ETH", "1", "0"));
        assertEquals(202, order(frank, "{\"market\":\"ETH-USDT\",\"side\":\"SELL\",\"type\":\"LIMIT\",\"price\":\"8000\",\"qty\":\"0.1\"}").status());
        // Only the engine knows this would cross: it rejects it (POST_ONLY_WOULD_CROSS).
        Response crossing = order(erin, "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"timeInForce\":\"POST_ONLY\",\"price\":\"9000\",\"qty\":\"0.1\",\"clientOrderId\":601}");
        assertEquals(202, crossing.status(), crossing.body().toString());
        long rejectedId = crossing.body().get("orderId").asLong();
        Event.OrderRejected rejected = awaitEvent("the reject", e -> e instanceof Event.OrderRejected r && r.seq() == rejectedId);
        assertEquals(io.zkclob.contracts.RejectCode.POST_ONLY_WOULD_CROSS, rejected.code());

        Response again = order(erin, "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"500\",\"qty\":\"0.1\",\"clientOrderId\":601}");
        assertEquals(202, again.status(), again.body().toString());
        long orderId = again.body().get("orderId").asLong();
        assertNotEquals(rejectedId, orderId);
        assertFalse(again.body().has("duplicate"), again.body().toString());
        await("resting", () -> "OPEN".equals(statusOf(erin, orderId)));
        assertEquals(1, acceptedWithClientOrderId(erin, 601));
    }

    /** OrderAccepted events of this account with this clientOrderId in the whole event log. */
    static long acceptedWithClientOrderId(Trader t, long clientOrderId) throws Exception {
        Thread.sleep(300); // let a wrongly placed second order reach the event log, if there were one
        long n = 0;
        try (KafkaConsumer<String, String> c = consumer()) {
            TopicPartition ev = new TopicPartition(Topics.EVENTS, 0);
            c.assign(List.of(ev));
            c.seekToBeginning(List.of(ev));
            long end = c.endOffsets(List.of(ev)).get(ev);
            while (c.position(ev) < end) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    if (MessageJson.readEvent(r.value()) instanceof Event.OrderAccepted a && a.accountId() == t.accountId
                            && a.clientOrderId() == clientOrderId) n++;
                }
            }
        }
        return n;
    }

    /** Appends a command to the log as a gateway does. */
    static void appendToLog(Command command) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, launcher.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(Topics.COMMANDS, 0, "test", MessageJson.write(command))).get();
        }
    }

    @Test
    @Order(2)
    void cancelReleasesTheHoldAndWithdrawalsCannotSpendLockedFunds() throws Exception {
        Response rest = order(alice, "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"2000\",\"qty\":\"1\"}");
        assertEquals(202, rest.status(), rest.body().toString());
        long id = rest.body().get("orderId").asLong();
        // Hold: 2000 + 0.2% (the larger fee) = 2004.
        await("hold", () -> balanceIs(alice, "USDT", "6493", "2004"));
        Response tooMuch = send("POST", "/withdrawals", "{\"asset\":\"USDT\",\"amount\":\"6500\"}", alice, null);
        assertEquals(422, tooMuch.status());
        assertEquals("INSUFFICIENT_FUNDS", tooMuch.code());
        Response otherCancel = send("DELETE", "/orders/" + id, null, bob, null);
        assertEquals(202, otherCancel.status(), "sequenced; the engine refuses it (NOT_ORDER_OWNER)");
        Response peek = send("GET", "/orders/" + id, null, bob, null);
        assertEquals(404, peek.status(), "another account's order reads as not found");
        // Wait for the engine's verdict itself (not a pause): the refusal, with its reason, is in the event log.
        Event.CancelRejected refused = awaitEvent("the engine's refusal of bob's cancel",
                e -> e instanceof Event.CancelRejected r && r.orderId() == id && r.accountId() == bob.accountId);
        assertEquals(io.zkclob.contracts.RejectCode.NOT_ORDER_OWNER, refused.code());
        await("the order OPEN in the order store", () -> "OPEN".equals(statusOf(alice, id)));
        assertEquals(202, send("DELETE", "/orders/" + id, null, alice, null).status());
        await("release", () -> balanceIs(alice, "USDT", "8497", "0"));
        await("the order CANCELED in the order store", () -> "CANCELED".equals(statusOf(alice, id)));
        Response ok = send("POST", "/withdrawals", "{\"asset\":\"USDT\",\"amount\":\"97\"}", alice, null);
        assertEquals(202, ok.status());
        await("withdrawal", () -> balanceIs(alice, "USDT", "8400", "0"));
        assertConservation();
    }

    @Test
    @Order(3)
    void badInputGetsItsCodeAndChangesNothing() throws Exception {
        Map<String, String[]> before = balances(alice);
        String good = "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.1\"}";
        expect(400, "MALFORMED_REQUEST", order(alice, "{not json"));
        expect(404, "UNKNOWN_MARKET", order(alice, good.replace("ETH-USDT", "DOGE-USDT")));
        expect(422, "INVALID_AMOUNT", order(alice, good.replace("\"0.1\"", "\"-1\"")));
        expect(422, "AMOUNT_OVERFLOW", order(alice, good.replace("\"0.1\"", "\"99999999999999999999\"")));
        expect(422, "INVALID_TICK", order(alice, good.replace("\"3000\"", "\"3000.001\"")));
        expect(422, "INVALID_LOT", order(alice, good.replace("\"0.1\"", "\"0.00001\"")));
        expect(422, "INSUFFICIENT_FUNDS", order(alice, good.replace("\"0.1\"", "\"100\"")));
        expect(400, "MALFORMED_REQUEST", order(alice, good.replace("BUY", "HOLD")));
        expect(401, "MISSING_SIGNATURE", send("POST", "/orders", good, null, null));
        expect(401, "BAD_SIGNATURE", send("POST", "/orders", good, alice, null, System.currentTimeMillis(),
                Base64.getEncoder().encodeToString(new byte[64])));
        expect(401, "STALE_REQUEST", send("POST", "/orders", good, alice, null, System.currentTimeMillis() - 60_000, null));
        long ts = System.currentTimeMillis();
        Response first = send("POST", "/orders", good.replace("3000", "1000"), alice, null, ts, null);
        assertEquals(202, first.status(), first.body().toString());
        expect(401, "REPLAYED_REQUEST", send("POST", "/orders", good.replace("3000", "1000"), alice, null, ts, null));
        assertEquals(202, send("DELETE", "/orders/" + first.body().get("orderId").asLong(), null, alice, null).status());
        await("nothing changed", () -> {
            try {
                Map<String, String[]> now = balances(alice);
                return Arrays.equals(now.get("USDT"), before.get("USDT")) && Arrays.equals(now.get("ETH"), before.get("ETH"));
            } catch (Exception e) {
                return false;
            }
        });
        assertConservation();
    }

    @Test
    @Order(4)
    void restartingTheMatcherAndTheLedgerLosesAndRepeatsNothing() throws Exception {
        // Orders keep arriving while the matcher is down: they wait in the log.
        launcher.stopService("matching");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Response r = order(bob, "{\"market\":\"ETH-USDT\",\"side\":\"SELL\",\"type\":\"LIMIT\",\"price\":\"" + (3100 + i) + "\",\"qty\":\"0.1\"}");
            assertEquals(202, r.status(), r.body().toString());
            ids.add(r.body().get("orderId").asLong());
        }
        launcher.startService("matching");
        Response take = order(alice, "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3102\",\"qty\":\"0.3\"}");
        assertEquals(202, take.status(), take.body().toString());
        // The ledger goes down while the trade's events are being published; it catches up from Kafka.
        launcher.stopService("ledger");
        for (long id : ids) await("order " + id, () -> statusOf(bob, id) != null);
        launcher.startService("ledger");
        // 0.1 @3100 + 0.1 @3101 + 0.1 @3102 = 930.3; Alice pays + 0.2%; Bob gets - 0.1%.
        await("settled after restarts", () -> balanceIs(alice, "ETH", "0.8", "0")
                && balanceIs(bob, "ETH", "1", "0.2") && balanceIs(bob, "USDT", String.valueOf(new java.math.BigDecimal("1498.5")
                .add(new java.math.BigDecimal("930.3")).subtract(new java.math.BigDecimal("0.9303")).stripTrailingZeros().toPlainString()), "0"));
        assertConservation();
        assertChainReplaysFromTheLog();
    }

    @Test
    @Order(5)
    void everySealedBlockIsExecutedInTheSp1Guest() throws Exception {
        // Needs the guest and the prover CLI (scripts/test builds them first); without them blocks stay SEALED.
        JsonNode status = internal("http://127.0.0.1:28086/proofs/status");
        org.junit.jupiter.api.Assumptions.assumeTrue(status.get("cliAvailable").asBoolean(),
                "prover CLI not built: skipping SP1 execution (run scripts/build-guest and scripts/build-prover)");
        await("a range executed in the SP1 guest", () -> {
            try {
                JsonNode s = internal("http://127.0.0.1:28086/proofs/status");
                return s.path("blocksEXECUTED").asLong(0) > 0;
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode s = internal("http://127.0.0.1:28086/proofs/status");
        assertFalse(s.get("divergence").asBoolean(), s.toString());
        assertEquals(0, s.path("blocksFAILED").asLong(0), s.toString());
        assertTrue(s.path("executionLagSeconds").isIntegralNumber() && s.get("executionLagSeconds").asLong() >= 0, s.toString());
        JsonNode block1 = send("GET", "/proofs/blocks/1", null, null, null).body();
        assertEquals("EXECUTED", block1.get("status").asString(), block1.toString());
        // The guest program is served with its hash, so anyone can compare it with their own rebuild.
        JsonNode guest = send("GET", "/proofs/guest", null, null, null).body();
        byte[] elf = http.send(HttpRequest.newBuilder(URI.create(base + "/proofs/guest/elf")).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        assertEquals(guest.get("elfBytes").asLong(), elf.length, guest.toString());
        assertEquals(guest.get("elfSha256").asString(),
                java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(elf)));
    }

    /** A market-data client that follows the SSE stream, resyncs from the snapshot, and checks every prevSeq. */
    static final class BookFollower implements AutoCloseable {
        final java.util.TreeMap<Long, Long> bids = new java.util.TreeMap<>();
        final java.util.TreeMap<Long, Long> asks = new java.util.TreeMap<>();
        final java.util.concurrent.LinkedBlockingQueue<JsonNode> buffer = new java.util.concurrent.LinkedBlockingQueue<>();
        volatile long lastSeq = -2;
        volatile boolean gap;
        Thread reader;
        java.util.concurrent.CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response;

        void connect(String symbol) throws Exception {
            buffer.clear();
            response = http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/stream/markets/" + symbol)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            HttpResponse<java.util.stream.Stream<String>> r = response.get(10, java.util.concurrent.TimeUnit.SECONDS);
            reader = new Thread(() -> {
                String[] event = {null};
                try {
                    r.body().forEach(line -> {
                        if (line.startsWith("event:")) event[0] = line.substring(6).trim();
                        else if (line.startsWith("data:") && "depth".equals(event[0])) buffer.add(MessageJson.MAPPER.readTree(line.substring(5)));
                    });
                } catch (RuntimeException ignored) {
                    // closed by close()
                }
            });
            reader.start();
            Thread.sleep(300); // subscribed before the snapshot is taken
            JsonNode snap = send("GET", "/markets/" + symbol + "/book?levels=1000", null, null, null).body();
            bids.clear();
            asks.clear();
            snap.get("bids").forEach(l -> bids.put(l.get(0).asLong(), l.get(1).asLong()));
            snap.get("asks").forEach(l -> asks.put(l.get(0).asLong(), l.get(1).asLong()));
            lastSeq = snap.get("seq").asLong();
        }

        void drain() {
            JsonNode u;
            while ((u = buffer.poll()) != null) {
                long seq = u.get("seq").asLong();
                if (seq <= lastSeq) continue; // already in the snapshot
                if (u.get("prevSeq").asLong() != lastSeq) gap = true;
                u.get("bids").forEach(l -> put(bids, l));
                u.get("asks").forEach(l -> put(asks, l));
                lastSeq = seq;
            }
        }

        static void put(java.util.TreeMap<Long, Long> side, JsonNode level) {
            if (level.get(1).asLong() == 0) side.remove(level.get(0).asLong());
            else side.put(level.get(0).asLong(), level.get(1).asLong());
        }

        @Override
        public void close() {
            if (response != null) response.thenAccept(r -> r.body().close());
            if (reader != null) reader.interrupt();
        }
    }

    @Test
    @Order(6)
    void theLiveBookSurvivesADisconnectAndEndsEqualToTheSnapshot() throws Exception {
        assertEquals(202, deposit(alice, "USDT", "50000", 777).status());
        await("funds", () -> {
            try {
                return Double.parseDouble(balances(alice).get("USDT")[0]) > 50_000;
            } catch (Exception e) {
                return false;
            }
        });
        BookFollower f = new BookFollower();
        f.connect("ETH-USDT");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Response r = order(alice, "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"" + (2500 + i % 3) + "\",\"qty\":\"0.2\"}");
            assertEquals(202, r.status(), r.body().toString());
            ids.add(r.body().get("orderId").asLong());
        }
        Thread.sleep(1_000);
        f.drain();
        f.close(); // the connection drops; the market goes on
        assertEquals(202, send("DELETE", "/orders/" + ids.get(0), null, alice, null).status());
        assertEquals(202, order(alice, "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"2490\",\"qty\":\"0.3\"}").status());
        assertEquals(202, order(bob, "{\"market\":\"ETH-USDT\",\"side\":\"SELL\",\"type\":\"LIMIT\",\"price\":\"2502\",\"qty\":\"0.1\"}").status());
        BookFollower g = new BookFollower();
        g.connect("ETH-USDT"); // resync: subscribe, snapshot, then updates after its seq
        assertEquals(202, send("DELETE", "/orders/" + ids.get(1), null, alice, null).status());
        assertEquals(202, order(alice, "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"2501\",\"qty\":\"0.4\"}").status());
        assertEquals(202, order(bob, "{\"market\":\"ETH-USDT\",\"side\":\"SELL\",\"type\":\"LIMIT\",\"price\":\"2600\",\"qty\":\"0.1\"}").status());
        await("the followed book equals the REST snapshot", () -> {
            g.drain();
            try {
                JsonNode snap = send("GET", "/markets/ETH-USDT/book?levels=1000", null, null, null).body();
                if (snap.get("seq").asLong() != g.lastSeq) return false;
                java.util.TreeMap<Long, Long> b = new java.util.TreeMap<>();
                java.util.TreeMap<Long, Long> a = new java.util.TreeMap<>();
                snap.get("bids").forEach(l -> b.put(l.get(0).asLong(), l.get(1).asLong()));
                snap.get("asks").forEach(l -> a.put(l.get(0).asLong(), l.get(1).asLong()));
                return b.equals(g.bids) && a.equals(g.asks) && !g.bids.isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        assertFalse(g.gap, "no gap in prevSeq after the resync");
        // The stream's book agrees with the order-service's depth too.
        JsonNode depth = send("GET", "/markets/ETH-USDT/depth?levels=100", null, null, null).body();
        assertEquals(depth.get("bids").size(), g.bids.size(), depth.toString());
        g.close();
    }

    static JsonNode internal(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header(ServiceToken.HEADER, launcher.serviceToken()).build(),
                HttpResponse.BodyHandlers.ofString());
        return MessageJson.MAPPER.readTree(r.body());
    }

    /**
     * The services' internal endpoints (every account's balances and orders, unsigned) answer only the gateway's
     * service token: without it, with another, on a spelling of the path the container normalizes, or on a path that
     * does not exist, 401 with a stable code; with it, the answer. The fleet above works, so the gateway sends it.
     */
    @Test
    @Order(9)
    void theServicesInternalEndpointsRequireTheServiceToken() throws Exception {
        List<String> urls = List.of("http://127.0.0.1:28084/internal/ledger/conservation", "http://127.0.0.1:28082/internal/markets",
                "http://127.0.0.1:28085/internal/blocks/latest", "http://127.0.0.1:28083/internal/matcher",
                "http://127.0.0.1:28086/internal/divergence");
        List<String> variants = List.of("http://127.0.0.1:28084//internal/ledger/conservation",
                "http://127.0.0.1:28084/%69nternal/ledger/conservation", "http://127.0.0.1:28084/internal;x=1/ledger/conservation",
                "http://127.0.0.1:28084/./internal/ledger/conservation", "http://127.0.0.1:28084/internal/no-such-thing");
        for (String url : java.util.stream.Stream.concat(urls.stream(), variants.stream()).toList()) {
            for (String token : new String[] {null, "wrong-" + launcher.serviceToken()}) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
                if (token != null) b.header(ServiceToken.HEADER, token);
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(401, r.statusCode(), url + " " + r.body());
                assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""), url);
                assertEquals("SERVICE_TOKEN_INVALID", MessageJson.MAPPER.readTree(r.body()).get("code").asString(), url);
            }
        }
        for (String url : urls) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header(ServiceToken.HEADER, launcher.serviceToken())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), url + " " + r.body());
        }
        // The token is this run's, in the data directory for operator tools, readable by its owner alone.
        Path file = data.resolve("service-token");
        assertEquals(launcher.serviceToken(), Files.readString(file).strip());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    /**
     * What each service's actuator shows (issue 11, item 10): the probes answer everywhere; metrics and Prometheus
     * never on the gateway's public port (they are on its loopback management port); on the services' own ports (loopback
     * by default, a NetworkPolicy in Kubernetes) only health, info, metrics and Prometheus, never what reads or changes
     * the process (environment, configuration, beans, loggers, thread and heap dumps, shutdown).
     */
    @Test
    @Order(10)
    void everyServiceExposesOnlyItsProbesAndMetrics() throws Exception {
        List<String> never = List.of("env", "configprops", "beans", "loggers", "threaddump", "heapdump", "mappings", "conditions",
                "scheduledtasks", "caches", "sbom", "startup", "shutdown", "flyway", "httpexchanges", "logfile");
        Map<String, Integer> ports = Map.of("gateway", 28080, "order", 28082, "matching", 28083, "ledger", 28084, "block", 28085,
                "prover", 28086);
        for (var e : ports.entrySet()) {
            String base = "http://127.0.0.1:" + e.getValue() + "/actuator";
            assertEquals(200, get(base + "/health/readiness"), e.getKey() + " readiness");
            assertEquals(200, get(base + "/health/liveness"), e.getKey() + " liveness");
            for (String endpoint : never) assertEquals(404, get(base + "/" + endpoint), e.getKey() + " /actuator/" + endpoint);
            HttpResponse<String> shutdown = http.send(HttpRequest.newBuilder(URI.create(base + "/shutdown"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(shutdown.statusCode() == 404 || shutdown.statusCode() == 405, e.getKey() + " shutdown: " + shutdown.statusCode());
            boolean gateway = e.getKey().equals("gateway");
            assertEquals(gateway ? 404 : 200, get(base + "/prometheus"), e.getKey() + " prometheus");
            if (!e.getKey().equals("block")) assertEquals(gateway ? 404 : 200, get(base + "/metrics"), e.getKey() + " metrics");
            // Health without details: which database and broker a service uses is not for its callers.
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertFalse(health.body().contains("components") || health.body().contains("details"), e.getKey() + " health: " + health.body());
        }
    }

    static int get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static String statusOf(Trader t, long id) {
        try {
            Response r = send("GET", "/orders/" + id, null, t, null);
            return r.status() == 200 ? r.body().get("status").asString() : null;
        } catch (Exception e) {
            return null;
        }
    }

    static void expect(int status, String code, Response r) {
        assertEquals(status, r.status(), r.body().toString());
        assertEquals(code, r.code(), r.body().toString());
    }

    static void assertConservation() throws Exception {
        JsonNode c = internal("http://127.0.0.1:28084/internal/ledger/conservation");
        assertTrue(c.get("ok").asBoolean(), c.toString());
    }

    /** Every block the matcher sealed (across restarts) is reproduced by a fresh engine replaying the command log. */
    static void assertChainReplaysFromTheLog() throws Exception {
        Thread.sleep(500);
        List<BlockSealed> published = new ArrayList<>();
        List<Command> commands = new ArrayList<>();
        try (KafkaConsumer<String, String> c = consumer()) {
            TopicPartition ev = new TopicPartition(Topics.EVENTS, 0);
            c.assign(List.of(ev));
            c.seekToBeginning(List.of(ev));
            long end = c.endOffsets(List.of(ev)).get(ev);
            while (c.position(ev) < end) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    if (MessageJson.readEvent(r.value()) instanceof BlockSealed b) published.add(b);
                }
            }
            TopicPartition log = new TopicPartition(Topics.COMMANDS, 0);
            c.assign(List.of(log));
            c.seekToBeginning(List.of(log));
            long logEnd = c.endOffsets(List.of(log)).get(log);
            while (c.position(log) < logEnd) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    commands.add(MessageJson.readCommand(r.value()).sequenced(r.offset(), r.timestamp()));
                }
            }
        }
        assertFalse(published.isEmpty());
        for (int i = 0; i < published.size(); i++) assertEquals(i + 1, published.get(i).height(), "heights are contiguous, no duplicates");
        Exchange replay = new Exchange();
        List<BlockSealed> replayed = new ArrayList<>();
        for (Command cmd : commands) for (Event e : replay.apply(cmd)) if (e instanceof BlockSealed b) replayed.add(b);
        assertEquals(published, replayed.subList(0, published.size()), "identical blocks and state roots from the log alone");
        replay.checkInvariants();
        assertNotNull(Sha256.hex(replay.stateRoot()));

        // The explorer serves the same chain: hashes rebuilt from the log alone match block by block.
        String prev = io.zkclob.engine.BlockHash.GENESIS;
        long latest = send("GET", "/blocks/latest", null, null, null).body().get("height").asLong();
        for (BlockSealed b : replayed.subList(0, (int) Math.min(latest, replayed.size()))) {
            String hash = io.zkclob.engine.BlockHash.of(b, prev);
            JsonNode served = send("GET", "/blocks/" + b.height(), null, null, null).body();
            assertEquals(hash, served.get("hash").asString(), "block " + b.height());
            assertEquals(prev, served.get("prevHash").asString());
            assertEquals(b.stateRoot(), served.get("stateRoot").asString());
            prev = hash;
        }
        // Every command is in exactly one block: cancels, deposits and withdrawals included.
        long commandsInBlocks = 0;
        for (long h = 1; h <= latest; h++) commandsInBlocks += send("GET", "/blocks/" + h + "/commands", null, null, null).body().size();
        assertEquals(replayed.get((int) latest - 1).lastSeq() + 1, commandsInBlocks, "commands 0..lastSeq, each once");
    }

    static KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, launcher.kafkaBootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new KafkaConsumer<>(p);
    }
}
