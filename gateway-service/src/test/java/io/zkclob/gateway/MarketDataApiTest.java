package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.Deposited;
import io.zkclob.contracts.Event.TradeExecuted;
import io.zkclob.contracts.Event.WithdrawalRejected;
import io.zkclob.contracts.Event.Withdrawn;
import io.zkclob.contracts.RejectCode;
import io.zkclob.contracts.Side;
import io.zkclob.support.EventFeed.Indexed;
import io.zkclob.support.ProblemHandler;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 12's market data and history of /api/v1 over the real trade tape (PostgreSQL with the gateway's
 * migrations): public trades with ids and times and their paging, candles, the 24 h ticker, an account's fills,
 * deposits and withdrawals.
 */
class MarketDataApiTest {
    private static EmbeddedPostgres pg;
    private static DataSource ds;
    static final long MINUTE = 60_000;
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** Two minutes ago, at a minute's start: inside the ticker's window. */
    static final long T0 = System.currentTimeMillis() / MINUTE * MINUTE - 2 * MINUTE;
    private TradeTape tape;
    private MockMvc mvc;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.start();
        ds = pg.getPostgresDatabase();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    /** Account 7 (maker) sells to account 8 (taker) in ETH-USDT. */
    static Indexed trade(long seq, long price, long qty, long timeMs) {
        Event e = new TradeExecuted(seq, 1, 100 + seq, 7, seq, 8, Side.BUY, price, qty, price * qty / 100_000_000, 1_000, 2_000, 0, 0);
        return new Indexed(seq, 0, e, timeMs);
    }

    @BeforeEach
    void tapeWithTrades() {
        Flyway flyway = Flyway.configure().dataSource(ds).locations("classpath:db/migration/gateway").cleanDisabled(false).load();
        flyway.clean();
        flyway.migrate();
        tape = new TradeTape(JdbcClient.create(ds), new TransactionTemplate(new DataSourceTransactionManager(ds)));
        tape.apply(List.of(trade(10, 3_000_000_000L, 50_000_000L, T0 + 5_000),
                new Indexed(11, 0, new Deposited(11, 7, 2, 5_000_000L, 1_001), T0 + 6_000),
                trade(12, 3_100_000_000L, 10_000_000L, T0 + 50_000),
                trade(13, 2_900_000_000L, 10_000_000L, T0 + MINUTE + 1),
                new Indexed(14, 0, new Withdrawn(14, 7, 2, 1_000_000L), T0 + MINUTE + 2),
                new Indexed(15, 0, new WithdrawalRejected(15, 7, 2, 9_000_000_000L, RejectCode.INSUFFICIENT_FUNDS), T0 + MINUTE + 3)), 16);
        GatewayEdgeTest.FakeBackends backends = new GatewayEdgeTest.FakeBackends();
        GatewayEdgeTest.Accounts accounts = new GatewayEdgeTest.Accounts();
        TradingApi trading = new TradingApi(accounts, backends, new CommandLog(new MockProducer<>(true, null, new StringSerializer(),
                new StringSerializer())), null, new FundsView(() -> 0), new OrderVerdicts());
        mvc = MockMvcBuilders.standaloneSetup(new MarketDataApi(backends, tape, new MarketStream()),
                        new AccountApi(accounts, backends, tape, trading, new ApiKeys(null)))
                .setControllerAdvice(new ProblemHandler(), new StrictNumbers()).build();
    }

    MockHttpServletResponse send(String path, String account) throws Exception {
        var request = get(path);
        if (account != null) request = request.header("X-Account-Id", account);
        return mvc.perform(request).andReturn().getResponse();
    }

    JsonNode ok(String path, String account) throws Exception {
        MockHttpServletResponse r = send(path, account);
        assertEquals(200, r.getStatus(), r.getContentAsString(StandardCharsets.UTF_8));
        return JSON.readTree(r.getContentAsString(StandardCharsets.UTF_8));
    }

    void refused(String path, int status, String code) throws Exception {
        MockHttpServletResponse r = send(path, "7");
        assertEquals(status, r.getStatus(), r.getContentAsString());
        assertTrue(r.getContentAsString().contains("\"code\":\"" + code + "\""), r.getContentAsString());
    }

    @Test
    void publicTradesHaveIdsTimesAndDecimalAmountsAndPageByFromId() throws Exception {
        JsonNode trades = ok("/api/v1/markets/ETH-USDT/trades", null);
        assertEquals(3, trades.size());
        JsonNode first = trades.get(0);
        assertEquals("3000", first.get("price").asString());
        assertEquals("0.5", first.get("qty").asString());
        assertEquals("1500", first.get("quoteQty").asString());
        assertEquals("BUY", first.get("takerSide").asString());
        assertEquals(T0 + 5_000, first.get("timeMs").asLong());
        assertEquals(10, first.get("seq").asLong());
        long second = trades.get(1).get("tradeId").asLong();
        assertTrue(first.get("tradeId").asLong() < second, "ids increase in log order");
        JsonNode page = ok("/api/v1/markets/ETH-USDT/trades?fromId=" + second + "&limit=1", null);
        assertEquals(1, page.size());
        assertEquals(second, page.get(0).get("tradeId").asLong());
        assertEquals(2, ok("/api/v1/markets/ETH-USDT/trades?limit=2", null).size(), "the latest two");
        JsonNode window = ok("/api/v1/markets/ETH-USDT/trades?startTimeMs=" + (T0 + 6_000) + "&endTimeMs=" + (T0 + MINUTE), null);
        assertEquals(1, window.size(), "the trade at +50 s only");
        assertEquals(T0 + 50_000, window.get(0).get("timeMs").asLong());
        assertEquals(2, ok("/api/v1/markets/ETH-USDT/trades?startTimeMs=" + (T0 + 6_000), null).size(), "open-ended");
        refused("/api/v1/markets/ETH-USDT/trades?fromId=1&startTimeMs=1", 400, "MALFORMED_REQUEST");
        refused("/api/v1/markets/ETH-USDT/trades?limit=0", 400, "MALFORMED_REQUEST");
        refused("/api/v1/markets/ETH-USDT/trades?limit=1001", 400, "MALFORMED_REQUEST");
        refused("/api/v1/markets/BTC-USDT/trades", 404, "UNKNOWN_MARKET");
    }

    @Test
    void candlesComeFromTheTapeInDecimals() throws Exception {
        JsonNode minutes = ok("/api/v1/markets/ETH-USDT/candles?interval=1m", null);
        assertEquals(2, minutes.size());
        JsonNode c = minutes.get(0);
        assertEquals(T0, c.get("openTimeMs").asLong());
        assertEquals(T0 + MINUTE - 1, c.get("closeTimeMs").asLong());
        assertEquals("3000", c.get("open").asString());
        assertEquals("3100", c.get("high").asString());
        assertEquals("3000", c.get("low").asString());
        assertEquals("3100", c.get("close").asString());
        assertEquals("0.6", c.get("volume").asString());
        assertEquals("1810", c.get("quoteVolume").asString());
        assertEquals(2, c.get("trades").asLong());
        assertEquals(1, ok("/api/v1/markets/ETH-USDT/candles?interval=1m&startTimeMs=" + (T0 + MINUTE), null).size());
        refused("/api/v1/markets/ETH-USDT/candles?interval=2m", 400, "MALFORMED_REQUEST");
        refused("/api/v1/markets/ETH-USDT/candles", 400, "MALFORMED_REQUEST");
    }

    @Test
    void theTickerSummarisesTheLast24Hours() throws Exception {
        JsonNode t = ok("/api/v1/markets/ETH-USDT/ticker", null);
        assertEquals("ETH-USDT", t.get("market").asString());
        assertEquals("3000", t.get("open").asString());
        assertEquals("3100", t.get("high").asString());
        assertEquals("2900", t.get("low").asString());
        assertEquals("2900", t.get("last").asString());
        assertEquals("0.1", t.get("lastQty").asString());
        assertEquals("0.7", t.get("volume").asString());
        assertEquals("2100", t.get("quoteVolume").asString());
        assertEquals("-100", t.get("priceChange").asString());
        assertEquals("-3.333", t.get("priceChangePercent").asString());
        assertEquals(3, t.get("trades").asLong());
        assertEquals("0", t.get("bestBid").asString(), "an empty book");
        assertEquals(t.get("closeTimeMs").asLong() - 86_400_000L, t.get("openTimeMs").asLong());
    }

    @Test
    void anAccountSeesItsOwnFillsWithRoleSideAndFee() throws Exception {
        JsonNode maker = ok("/api/v1/trades", "7");
        assertEquals(3, maker.size());
        JsonNode m = maker.get(0);
        assertEquals("MAKER", m.get("role").asString());
        assertEquals("SELL", m.get("side").asString());
        assertEquals("0.001", m.get("fee").asString());
        assertEquals("USDT", m.get("feeAsset").asString());
        assertEquals(110, m.get("orderId").asLong());
        assertEquals("ETH-USDT", m.get("market").asString());
        JsonNode taker = ok("/api/v1/trades?market=ETH-USDT&limit=1", "8");
        assertEquals(1, taker.size());
        assertEquals("TAKER", taker.get(0).get("role").asString());
        assertEquals("BUY", taker.get(0).get("side").asString());
        assertEquals(13, taker.get(0).get("orderId").asLong(), "the latest");
        assertEquals(0, ok("/api/v1/trades", "9").size(), "nobody else's");
        assertEquals(1, ok("/api/v1/trades?orderId=12", "8").size());
        assertEquals(2, ok("/api/v1/trades?startTimeMs=" + (T0 + 6_000), "8").size(), "from a time on");
        assertEquals(1, ok("/api/v1/trades?startTimeMs=" + (T0 + 6_000) + "&endTimeMs=" + (T0 + MINUTE), "8").size());
    }

    @Test
    void depositsAndWithdrawalsHaveTheirStatus() throws Exception {
        JsonNode deposits = ok("/api/v1/deposits", "7");
        assertEquals(1, deposits.size());
        assertEquals(11, deposits.get(0).get("id").asLong());
        assertEquals("USDT", deposits.get(0).get("asset").asString());
        assertEquals("5", deposits.get(0).get("amount").asString());
        assertEquals(1_001, deposits.get(0).get("externalId").asLong());
        assertEquals("COMPLETED", deposits.get(0).get("status").asString());
        JsonNode withdrawals = ok("/api/v1/withdrawals", "7");
        assertEquals(2, withdrawals.size());
        assertEquals("COMPLETED", withdrawals.get(0).get("status").asString());
        assertEquals("1", withdrawals.get(0).get("amount").asString());
        assertEquals("REJECTED", withdrawals.get(1).get("status").asString());
        assertEquals("INSUFFICIENT_FUNDS", withdrawals.get(1).get("rejectCode").asString());
        assertEquals(1, ok("/api/v1/withdrawals?fromId=15", "7").size());
        assertEquals(0, ok("/api/v1/deposits", "8").size());
        // a redelivered batch records nothing twice
        tape.apply(List.of(new Indexed(11, 0, new Deposited(11, 7, 2, 5_000_000L, 1_001), T0 + 6_000)), 12);
        assertEquals(1, ok("/api/v1/deposits", "7").size());
    }

    /**
     * The long fuzz run's findings: {@code candles?endTimeMs=%1D} was read as "left out" (Spring's number conversion
     * strips whitespace, and Java counts U+001D as whitespace) and {@code trades?fromId=-58800} was taken although the
     * document says at least 1. Both are 400 MALFORMED_REQUEST, problem+json.
     */
    @Test
    void aNumberIsDigitsOnlyAndAPageStartsAtAnIdThereCanBe() throws Exception {
        for (String spelled : List.of("\u001D", " ", "1 2", "0x10", "#10", "+5", "1.0", "99999999999999999999", "١٢")) {
            refusedWith(get("/api/v1/markets/ETH-USDT/candles").param("interval", "15m").param("endTimeMs", spelled), null);
            refusedWith(get("/api/v1/markets/ETH-USDT/trades").param("limit", spelled), null);
        }
        refusedWith(get("/api/v1/trades").param("fromId", "-58800"), "7");
        refusedWith(get("/api/v1/trades").param("fromId", "0"), "7");
        refusedWith(get("/api/v1/markets/ETH-USDT/trades").param("fromId", "0"), null);
        refusedWith(get("/api/v1/deposits").param("fromId", "-1"), "7");
        refusedWith(get("/api/v1/withdrawals").param("fromId", "-1"), "7");
        // What the document allows is still taken: an empty optional value is the value left out, -0 is 0.
        assertEquals(3, ok("/api/v1/trades?fromId=1", "7").size());
        assertEquals(3, ok("/api/v1/markets/ETH-USDT/trades?fromId=", null).size());
        assertEquals(1, ok("/api/v1/deposits?fromId=0", "7").size());
        assertEquals(1, ok("/api/v1/markets/ETH-USDT/candles?interval=1m&endTimeMs=&startTimeMs=-0&limit=1", null).size());
    }

    private void refusedWith(org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request, String account) throws Exception {
        if (account != null) request = request.header("X-Account-Id", account);
        MockHttpServletResponse r = mvc.perform(request).andReturn().getResponse();
        String body = r.getContentAsString(StandardCharsets.UTF_8);
        assertEquals(400, r.getStatus(), body);
        assertTrue(body.contains("\"code\":\"MALFORMED_REQUEST\""), body);
        assertEquals("application/problem+json", r.getContentType(), body);
    }
}
