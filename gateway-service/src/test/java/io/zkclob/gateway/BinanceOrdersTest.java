package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Binance's order vocabulary translated to ours, and our order states back to Binance's. */
class BinanceOrdersTest {
    static final Backends.Market ETH = new Backends.Market(1, "ETH-USDT", 1, "ETH", 8, 2, "USDT", 6, 10_000, 10_000, 1_000_000,
            1_000, 2_000, "ACTIVE");

    static BinanceOrders.Placement place(String params) {
        return BinanceOrders.placement(BinanceParams.parse(params, ""), ETH);
    }

    @Test
    void typesAndTimesInForceMapToOurs() {
        var limit = place("side=BUY&type=LIMIT&price=3000&quantity=0.5");
        assertEquals("GTC", limit.request().timeInForce());
        assertFalse(limit.final_());
        var ioc = place("side=BUY&type=LIMIT&timeInForce=IOC&price=3000&quantity=0.5");
        assertEquals("IOC", ioc.request().timeInForce());
        assertTrue(ioc.final_());
        var maker = place("side=SELL&type=LIMIT_MAKER&price=3000&quantity=0.5");
        assertEquals("LIMIT", maker.request().type());
        assertEquals("POST_ONLY", maker.request().timeInForce());
        var market = place("side=BUY&type=MARKET&quoteOrderQty=100");
        assertEquals("MARKET", market.request().type());
        assertEquals("IOC", market.request().timeInForce());
        assertEquals("100", market.request().quoteQty());
        assertEquals("ETH-USDT", market.request().market());
    }

    @Test
    void malformedOrdersHaveBinancesCodes() {
        assertEquals(-1102, BinanceSigningTest.code(() -> place("side=BUY&type=LIMIT&quantity=0.5")));
        assertEquals(-1116, BinanceSigningTest.code(() -> place("side=BUY&type=STOP_LOSS&quantity=0.5")));
        assertEquals(-1115, BinanceSigningTest.code(() -> place("side=BUY&type=LIMIT&timeInForce=GTX&price=1&quantity=0.5")));
        assertEquals(-1117, BinanceSigningTest.code(() -> place("side=buy&type=LIMIT&price=1&quantity=0.5")));
        assertEquals(-1102, BinanceSigningTest.code(() -> place("side=BUY&type=MARKET")));
        assertEquals(-1102, BinanceSigningTest.code(() -> place("side=BUY&type=MARKET&quantity=1&quoteOrderQty=1")));
        assertEquals(-1106, BinanceSigningTest.code(() -> place("side=BUY&type=MARKET&quantity=1&price=1")));
    }

    static BinanceOrders.Row row(String status, String cancelReason) {
        return new BinanceOrders.Row(5, 7, 1, 0, "BUY", "LIMIT", "GTC", 3_000_000_000L, 50_000_000L, 0L, 0, 0, status, null, cancelReason);
    }

    @Test
    void statusesInBinancesWords() {
        assertEquals("NEW", BinanceOrders.status(row("OPEN", null)));
        assertEquals("PARTIALLY_FILLED", BinanceOrders.status(row("PARTIALLY_FILLED", null)));
        assertEquals("FILLED", BinanceOrders.status(row("FILLED", null)));
        assertEquals("CANCELED", BinanceOrders.status(row("CANCELED", "USER")));
        assertEquals("EXPIRED", BinanceOrders.status(row("CANCELED", "IOC_REMAINDER")));
        assertEquals("EXPIRED", BinanceOrders.status(row("CANCELED", "FOK_UNFILLABLE")));
        assertEquals("EXPIRED_IN_MATCH", BinanceOrders.status(row("CANCELED", "SELF_TRADE")));
        assertEquals("REJECTED", BinanceOrders.status(row("REJECTED", null)));
    }

    @Test
    void anOrderIsShownInDecimalStrings() {
        var o = BinanceOrders.view(ETH, row("OPEN", null), "cid", 1L, 2L, null, null);
        assertEquals("ETHUSDT", o.symbol());
        assertEquals("3000", o.price());
        assertEquals("0.5", o.origQty());
        assertEquals("LIMIT", o.type());
        assertTrue(o.isWorking());
        var info = BinanceMarkets.info(ETH);
        assertEquals("0.01", info.filters().getFirst().tickSize());
        assertEquals("0.0001", info.filters().get(1).stepSize());
        assertEquals("1", info.filters().get(3).minNotional());
    }
}
