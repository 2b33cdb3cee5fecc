package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Topics;
import io.zkclob.support.ApiException;
import io.zkclob.support.EventFeed;
import io.zkclob.support.ProblemHandler;
import jakarta.servlet.RequestDispatcher;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * The gateway's HTTP edge (issue 11 #7, #8, #10) over in-memory collaborators: what is refused, with which status
 * and code, and that nothing refused reaches the command log.
 */
class GatewayEdgeTest {
    static final GatewayProperties PROPS = new GatewayProperties("http://127.0.0.1:1", "http://127.0.0.1:1", "http://127.0.0.1:1",
            "http://127.0.0.1:1", "op", 10_000);
    static final Backends.Market ETH_USDT = new Backends.Market(1, "ETH-USDT", 1, "ETH", 8, 2, "USDT", 6, 10_000, 100_000, 10_000_000,
            1_000, 2_000, "ACTIVE");

    /** Accounts 1 and 2 are registered; any X-Account-Id header authenticates (signatures have their own test). */
    static final class Accounts extends Signatures {
        Accounts() {
            super(null, PROPS);
        }

        /** When set, account 2's key is "read from the database" until it opens (and only then). */
        volatile java.util.concurrent.CountDownLatch account2KeyRead;

        @Override
        long authenticate(String account, String ts, String signature, String method, String path, byte[] body) {
            if (account == null) throw new ApiException(HttpStatus.UNAUTHORIZED, "MISSING_SIGNATURE", "no account");
            java.util.concurrent.CountDownLatch read = account2KeyRead;
            if (read != null && "2".equals(account)) {
                try {
                    read.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Long.parseLong(account);
        }

        @Override
        boolean authenticatesWithoutBlocking(String accountHeader) {
            return account2KeyRead == null || !"2".equals(accountHeader);
        }

        @Override
        Optional<String> publicKey(long accountId) {
            return accountId == 1 || accountId == 2 ? Optional.of("key" + accountId) : Optional.empty();
        }
    }

    static final class FakeBackends extends Backends {
        FakeBackends() {
            super(PROPS, new io.zkclob.support.ServiceToken("gateway-edge-test-service-token-0123456789"));
        }

        @Override
        List<Market> markets() {
            return List.of(ETH_USDT);
        }

        @Override
        List<Map<String, Object>> assets() {
            return List.of(Map.of("assetId", 1, "symbol", "ETH", "scale", 8), Map.of("assetId", 2, "symbol", "USDT", "scale", 6));
        }

        @Override
        long available(long accountId, int assetId) {
            return Long.MAX_VALUE / 4;
        }

        /** Account 1 placed order 40 with clientOrderId 9; its retry (50) was rejected as a duplicate. */
        @Override
        List<Map<String, Object>> accountOrders(long accountId, boolean open, Long clientOrderId, Long fromId, int limit) {
            if (accountId != 1 || (clientOrderId != null && clientOrderId != 9)) return List.of();
            return List.of(Map.of("orderId", 50, "accountId", 1, "marketId", 1, "clientOrderId", 9, "status", "REJECTED",
                            "rejectCode", "DUPLICATE_CLIENT_ORDER_ID"),
                    Map.of("orderId", 40, "accountId", 1, "marketId", 1, "clientOrderId", 9, "status", "OPEN", "price", 3_000_000_000L,
                            "qty", 1_000_000L));
        }

        @Override
        Optional<Map<String, Object>> order(long orderId) {
            return orderId == 77 ? Optional.of(Map.of("orderId", 77, "accountId", 2, "marketId", 1)) : Optional.empty();
        }
    }

    final MockProducer<String, String> producer = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    final CommandLog log = new CommandLog(producer);
    final Accounts accounts = new Accounts();
    final MockMvc mvc = MockMvcBuilders.standaloneSetup(new TradingApi(accounts, new FakeBackends(), log, null, new FundsView(() -> 0), new OrderVerdicts()),
                    new AdminApi(PROPS, new FakeBackends(), log, accounts), new ErrorApi())
            .setControllerAdvice(new ProblemHandler()).addFilters(new BodyLimit()).build();

    /** The response, also of an endpoint that answers asynchronously (a CompletableFuture). */
    MockHttpServletResponse send(MockHttpServletRequestBuilder request) throws Exception {
        MvcResult result = mvc.perform(request).andReturn();
        if (result.getRequest().isAsyncStarted()) return mvc.perform(asyncDispatch(result)).andReturn().getResponse();
        return result.getResponse();
    }

    static MockHttpServletRequestBuilder json(MockHttpServletRequestBuilder b, String body) {
        return b.contentType(MediaType.APPLICATION_JSON).content(body.getBytes(StandardCharsets.UTF_8));
    }

    static void refused(int status, String code, MockHttpServletResponse r) throws Exception {
        String body = r.getContentAsString(StandardCharsets.UTF_8);
        assertEquals(status, r.getStatus(), body);
        assertTrue(body.contains("\"code\":\"" + code + "\""), body);
    }

    @Test
    void theJsonLiteralNullIsA400NotA503() throws Exception {
        refused(400, "MALFORMED_REQUEST", send(json(post("/api/v1/accounts"), "null")));
        refused(400, "MALFORMED_REQUEST", send(json(post("/api/v1/orders"), "null").header("X-Account-Id", "1")));
        refused(400, "MALFORMED_REQUEST", send(json(post("/api/v1/withdrawals"), "null").header("X-Account-Id", "1")));
        refused(400, "MALFORMED_REQUEST", send(json(post("/api/v1/admin/deposits"), "null").header("X-Operator-Key", "op")));
        assertTrue(producer.history().isEmpty());
    }

    /** The long fuzz run: schema-valid, yet 400; now the 422 AMOUNT_OVERFLOW that "1e41" gets, and nothing is logged. */
    @Test
    void anAmountWhoseExponentPassesIntRangeIsOutOfRange() throws Exception {
        refused(422, "AMOUNT_OVERFLOW", send(json(post("/api/v1/admin/deposits"),
                "{\"amount\": \"539.65173971E6446440393\", \"asset\": \"USDT\", \"externalId\": 1001, \"accountId\": 1}")
                .header("X-Operator-Key", "op")));
        refused(422, "AMOUNT_OVERFLOW", send(json(post("/api/v1/orders"),
                "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3e9999999999\",\"qty\":\"1\"}")
                .header("X-Account-Id", "1")));
        assertTrue(producer.history().isEmpty());
    }

    /** The strict long fuzz run: an order of a batch with clientOrderId -1 (the document's minimum is 0) refuses the batch. */
    @Test
    void aBatchWithANegativeClientOrderIdIsRefusedWhole() throws Exception {
        refused(400, "MALFORMED_REQUEST", send(json(post("/api/v1/orders/batch"), "{\"orders\": [{\"clientOrderId\": -1, \"market\": \"ETH-USDT\","
                + " \"price\": \"3000\", \"qty\": \"0.5\", \"side\": \"BUY\", \"timeInForce\": \"FOK\", \"type\": \"LIMIT\"}]}")
                .header("X-Account-Id", "1")));
        assertTrue(producer.history().isEmpty());
    }

    @Test
    void depositsOnlyCreditRegisteredAccounts() throws Exception {
        for (String account : List.of("0", "4294967296", "99", "-1")) {
            refused(422, "INVALID_ACCOUNT", send(json(post("/api/v1/admin/deposits"),
                    "{\"accountId\":" + account + ",\"asset\":\"USDT\",\"amount\":\"100\",\"externalId\":1}").header("X-Operator-Key", "op")));
        }
        assertTrue(producer.history().isEmpty(), "nothing refused reaches the log");
        MockHttpServletResponse ok = send(json(post("/api/v1/admin/deposits"),
                "{\"accountId\":1,\"asset\":\"USDT\",\"amount\":\"100\",\"externalId\":1}").header("X-Operator-Key", "op"));
        assertEquals(202, ok.getStatus(), ok.getContentAsString());
        assertEquals(1, producer.history().size());
    }

    @Test
    void aNegativeOrderIdIsNeverSequenced() throws Exception {
        refused(404, "ORDER_NOT_FOUND", send(delete("/api/v1/orders/-1").header("X-Account-Id", "1")));
        assertTrue(producer.history().isEmpty());
    }

    @Test
    void aMissingOrderAndAnotherAccountsOrderReadTheSame() throws Exception {
        MockHttpServletResponse missing = send(get("/api/v1/orders/78").header("X-Account-Id", "1"));
        MockHttpServletResponse others = send(get("/api/v1/orders/77").header("X-Account-Id", "1"));
        refused(404, "ORDER_NOT_FOUND", missing);
        refused(404, "ORDER_NOT_FOUND", others);
        assertEquals(missing.getContentAsString().replace("78", "#"), others.getContentAsString().replace("77", "#"));
    }

    @Test
    void marketSymbolsMatchExactly() throws Exception {
        for (String symbol : List.of("eth-usdt", "ETH-U\u017fDT", "Eth-Usdt")) {
            refused(404, "UNKNOWN_MARKET", send(json(post("/api/v1/orders"),
                    "{\"market\":\"" + symbol + "\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.01\"}")
                    .header("X-Account-Id", "1")));
        }
        assertTrue(producer.history().isEmpty());
        MockHttpServletResponse ok = send(json(post("/api/v1/orders"),
                "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.01\"}").header("X-Account-Id", "1"));
        assertEquals(202, ok.getStatus(), ok.getContentAsString());
    }

    @Test
    void cancelByClientOrderIdCancelsTheOrderTheEngineAcceptedWithIt() throws Exception {
        MockHttpServletResponse r = send(delete("/api/v1/orders/by-client-id/9").header("X-Account-Id", "1"));
        assertEquals(202, r.getStatus(), r.getContentAsString());
        assertTrue(r.getContentAsString().contains("\"orderId\":40"), r.getContentAsString());
        assertEquals(1, producer.history().size());
        assertTrue(producer.history().getFirst().value().contains("\"orderId\":40"), producer.history().getFirst().value());
        refused(404, "ORDER_NOT_FOUND", send(delete("/api/v1/orders/by-client-id/9").header("X-Account-Id", "2")));
        refused(404, "ORDER_NOT_FOUND", send(delete("/api/v1/orders/by-client-id/5").header("X-Account-Id", "1")));
        refused(404, "ORDER_NOT_FOUND", send(delete("/api/v1/orders/by-client-id/0").header("X-Account-Id", "1")));
        assertEquals(1, producer.history().size(), "nothing refused reaches the log");
    }

    @Test
    void ordersAreTypedAndPagedWithinBounds() throws Exception {
        MockHttpServletResponse r = send(get("/api/v1/orders?clientOrderId=9&fromId=1&limit=10").header("X-Account-Id", "1"));
        assertEquals(200, r.getStatus(), r.getContentAsString());
        assertTrue(r.getContentAsString().contains("\"market\":\"ETH-USDT\""), r.getContentAsString());
        assertTrue(r.getContentAsString().contains("\"price\":\"3000\",\"qty\":\"0.01\""), r.getContentAsString());
        assertTrue(r.getContentAsString().contains("\"price\":null"), "unknown amounts are null, never 0: " + r.getContentAsString());
        refused(400, "MALFORMED_REQUEST", send(get("/api/v1/orders?limit=0").header("X-Account-Id", "1")));
        refused(400, "MALFORMED_REQUEST", send(get("/api/v1/orders?limit=1001").header("X-Account-Id", "1")));
    }

    @Test
    void ambiguousOrderBodiesAreRefused() throws Exception {
        refused(400, "MALFORMED_REQUEST", send(json(post("/api/v1/orders"),
                "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"side\":\"SELL\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.01\"}")
                .header("X-Account-Id", "1")));
        refused(400, "MALFORMED_REQUEST", send(json(post("/api/v1/orders"),
                "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.01\",\"clientOrderId\":1.5}")
                .header("X-Account-Id", "1")));
        // Well-formed and out of range: refused before any arithmetic, with 1e30's code (not a malformed request).
        refused(422, "AMOUNT_OVERFLOW", send(json(post("/api/v1/orders"),
                "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"1e3000000\",\"qty\":\"0.01\"}")
                .header("X-Account-Id", "1")));
        assertTrue(producer.history().isEmpty());
    }

    @Test
    void theContainersErrorPathAnswersProblemDetails() throws Exception {
        MockHttpServletResponse r = send(get("/error").requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 400).accept(MediaType.TEXT_HTML));
        refused(400, "MALFORMED_REQUEST", r);
        assertEquals("application/problem+json", r.getContentType());
        refused(503, "UNAVAILABLE", send(get("/error").requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 500)));
    }

    @Test
    void bodiesOverTheLimitAre413() throws Exception {
        String big = "{\"publicKey\":\"" + "A".repeat(BodyLimit.MAX_BYTES) + "\"}";
        MockHttpServletResponse r = send(json(post("/api/v1/accounts"), big));
        refused(413, "PAYLOAD_TOO_LARGE", r);
        assertEquals("application/problem+json", r.getContentType());
    }

    /** No thread waits for the log: each order is answered from its own append's callback, in any order. */
    @Test
    void anOrderIsAnsweredFromItsOwnAppendCallback() throws Exception {
        MockProducer<String, String> manual = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
        MockMvc gateway = MockMvcBuilders.standaloneSetup(new TradingApi(accounts, new FakeBackends(), new CommandLog(manual), null, new FundsView(() -> 0), new OrderVerdicts()))
                .setControllerAdvice(new ProblemHandler()).build();
        String order = "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.01\"}";
        MvcResult first = gateway.perform(json(post("/api/v1/orders"), order).header("X-Account-Id", "1")).andReturn();
        MvcResult second = gateway.perform(json(post("/api/v1/orders"), order).header("X-Account-Id", "2")).andReturn();
        assertTrue(first.getRequest().isAsyncStarted() && second.getRequest().isAsyncStarted(), "both wait for their append");
        assertEquals(2, manual.history().size(), "both are in the producer's batch");
        manual.completeNext();
        manual.errorNext(new org.apache.kafka.common.errors.TimeoutException("not acknowledged"));
        MockHttpServletResponse accepted = gateway.perform(asyncDispatch(first)).andReturn().getResponse();
        assertEquals(202, accepted.getStatus(), accepted.getContentAsString());
        assertTrue(accepted.getContentAsString().contains("\"orderId\":0"), accepted.getContentAsString());
        refused(503, "LOG_UNAVAILABLE", gateway.perform(asyncDispatch(second)).andReturn().getResponse());
    }

    /** Once the funds view has caught up it alone decides; what it refuses never reaches the log. */
    @Test
    void anOrderTheFundsViewCannotCoverIsRefusedWithoutReachingTheLog() throws Exception {
        FundsView funds = new FundsView(() -> 2);
        funds.apply(List.of(new EventFeed.Indexed(0, 0, new Event.MarketAdded(0, 1, "ETH-USDT", 1, 2, 10_000, 100_000, 10_000_000, 1_000, 2_000)),
                new EventFeed.Indexed(1, 0, new Event.Deposited(1, 1, 2, 50_000_000, 1))), 2); // 50 USDT
        assertTrue(funds.caughtUp());
        for (int i = 0; i < 2; i++) producer.send(new ProducerRecord<>(Topics.COMMANDS, 0, "x", "the commands at seq 0 and 1"));
        MockMvc gateway = MockMvcBuilders.standaloneSetup(new TradingApi(accounts, new FakeBackends(), log, null, funds, new OrderVerdicts()))
                .setControllerAdvice(new ProblemHandler()).build();
        String thirty = "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.01\"}"; // 30.06 held
        MvcResult first = gateway.perform(json(post("/api/v1/orders"), thirty).header("X-Account-Id", "1")).andReturn();
        assertEquals(202, gateway.perform(asyncDispatch(first)).andReturn().getResponse().getStatus());
        assertEquals(50_000_000 - 30_060_000, funds.available(1, 2), "the first order's hold is reserved until its verdict");
        refused(422, "INSUFFICIENT_FUNDS", gateway.perform(json(post("/api/v1/orders"), thirty).header("X-Account-Id", "1")).andReturn().getResponse());
        refused(422, "INSUFFICIENT_FUNDS", gateway.perform(json(post("/api/v1/orders"), thirty).header("X-Account-Id", "2")).andReturn().getResponse());
        assertEquals(3, producer.history().size(), "only the covered order reached the log");
    }

    /** A batch under one signature: each order answered with its own result, in order; refused ones never reach the log. */
    @Test
    void aBatchAnswersEachOrderWithItsOwnResult() throws Exception {
        FundsView funds = new FundsView(() -> 2);
        funds.apply(List.of(new EventFeed.Indexed(0, 0, new Event.MarketAdded(0, 1, "ETH-USDT", 1, 2, 10_000, 100_000, 10_000_000, 1_000, 2_000)),
                new EventFeed.Indexed(1, 0, new Event.Deposited(1, 1, 2, 50_000_000, 1))), 2); // 50 USDT
        for (int i = 0; i < 2; i++) producer.send(new ProducerRecord<>(Topics.COMMANDS, 0, "x", "the commands at seq 0 and 1"));
        MockMvc gateway = MockMvcBuilders.standaloneSetup(new TradingApi(accounts, new FakeBackends(), log, null, funds, new OrderVerdicts()))
                .setControllerAdvice(new ProblemHandler()).build();
        String thirty = "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.01\"}";
        String badTick = thirty.replace("\"3000\"", "\"3000.001\"");
        // Above the engine's price filter (2^32 - 1 ticks of 0.01: 42,949,672.95), which bounds the price-level trees.
        String aboveFilter = thirty.replace("\"3000\"", "\"42949673\"");
        MvcResult started = gateway.perform(json(post("/api/v1/orders/batch"), "{\"orders\":[" + thirty + "," + badTick + "," + thirty
                        + "," + aboveFilter + "]}")
                .header("X-Account-Id", "1")).andReturn();
        MockHttpServletResponse r = gateway.perform(asyncDispatch(started)).andReturn().getResponse();
        assertEquals(200, r.getStatus(), r.getContentAsString());
        var results = io.zkclob.contracts.json.MessageJson.MAPPER.readTree(r.getContentAsString()).get("results");
        assertEquals(4, results.size());
        assertEquals(202, results.get(0).get("httpStatus").asInt());
        assertEquals(2, results.get(0).get("orderId").asLong());
        assertEquals("INVALID_TICK", results.get(1).get("code").asString());
        assertEquals("INSUFFICIENT_FUNDS", results.get(2).get("code").asString(), "the first order's reservation counts");
        assertEquals("INVALID_TICK", results.get(3).get("code").asString(), results.get(3).toString());
        assertEquals(3, producer.history().size(), "only the first order reached the log");

        String tooMany = "{\"orders\":[" + String.join(",", java.util.Collections.nCopies(TradingApi.MAX_BATCH_ORDERS + 1, thirty)) + "]}";
        refused(400, "MALFORMED_REQUEST", send(json(post("/api/v1/orders/batch"), tooMany).header("X-Account-Id", "1")));
        refused(400, "MALFORMED_REQUEST", send(json(post("/api/v1/orders/batch"), "{\"orders\":[]}").header("X-Account-Id", "1")));
    }
}
