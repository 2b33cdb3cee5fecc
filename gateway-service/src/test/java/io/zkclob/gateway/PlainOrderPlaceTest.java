package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkclob.gateway.ws.WsMessages.Request;
import io.zkclob.support.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * The plain reader of order.place gives the strict reader's reading or none: never another id or order, never a
 * message the strict reader refuses.
 */
class PlainOrderPlaceTest {
    private static final String[] FIELDS = {"market", "side", "type", "timeInForce", "price", "qty", "quoteQty", "clientOrderId",
        "accountId", "label", "Side", "side "};
    /** Values for any field: plain strings, strings the plain reader leaves to the strict one, and what is not a string. */
    private static final String[] VALUES = {"\"ETH-USDT\"", "\"BUY\"", "\"SELL\"", "\"LIMIT\"", "\"3000.01\"", "\"0.05\"", "\"\"",
        "\"a b\"", "\"\\u0042UY\"", "\"B\\\"\"", "\"é\"", "\"\t\"", "\"~\"", "null", "true", "3000", "1.5", "{}", "[]",
        "\"SELL\" ", "0", "-1", "7", "007", "-0", "1e3", "1.0", "123456789012345678", "1234567890123456789",
        "9223372036854775807", "-9223372036854775808", "92233720368547758070", "\"5\""};
    private static final String[] IDS = {"0", "1", "-1", "2147483647", "2147483648", "-2147483649", "123456789012345678",
        "1234567890123456789", "\"o-1\"", "\"\"", "\"x\\\"y\"", "\"é\"", "1.5", "1e2", "null", "true", "{}", "[1]", "01",
        "\"" + "a".repeat(70) + "\""};

    /** The strict reading, as OrderEntryProtocol makes it: the envelope, then the params as an order; null when refused. */
    private record Strict(Request request, TradingApi.OrderRequest order) {}

    private static Strict strict(String text) {
        try {
            Request req = OrderEntry.read(text, Request.class);
            if (!"order.place".equals(req.method()) || !(req.params() instanceof ObjectNode params)) return new Strict(req, null);
            if (params.has("accountId")) return new Strict(req, null);
            return new Strict(req, OrderEntry.read(params, TradingApi.OrderRequest.class));
        } catch (ApiException e) {
            return null;
        }
    }

    private static void check(String text) {
        PlainOrderPlace plain = PlainOrderPlace.read(text);
        if (plain == null) return;
        Strict s = strict(text);
        assertNotNull(s, "the plain reader took what the strict one refuses: " + text);
        assertNotNull(s.order(), "the plain reader took what is not a plain order.place: " + text);
        assertEquals(s.request().id(), plain.id(), text);
        assertEquals(s.order(), plain.order, text);
    }

    @Test
    void theBenchmarksOrderIsReadPlainAndAsTheStrictReaderReadsIt() {
        String text = "{\"id\":17,\"method\":\"order.place\",\"params\":{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\","
                + "\"price\":\"3000.01\",\"qty\":\"0.05\"}}";
        PlainOrderPlace plain = PlainOrderPlace.read(text);
        assertNotNull(plain);
        assertEquals(IntNode.valueOf(17), plain.id());
        assertEquals(new TradingApi.OrderRequest("ETH-USDT", "BUY", "LIMIT", null, "3000.01", "0.05", null, null), plain.order);
        check(text);
        PlainOrderPlace named = PlainOrderPlace.read("{\"id\":\"c-9\",\"method\":\"order.place\",\"params\":{\"clientOrderId\":42,"
                + "\"timeInForce\":\"IOC\",\"quoteQty\":\"10\",\"market\":\"ETH-USDT\",\"side\":\"SELL\",\"type\":\"MARKET\"}}");
        assertNotNull(named);
        assertEquals(StringNode.valueOf("c-9"), named.id());
        assertEquals(new TradingApi.OrderRequest("ETH-USDT", "SELL", "MARKET", "IOC", null, null, "10", 42L), named.order);
        assertEquals(LongNode.valueOf(4_000_000_000L),
                PlainOrderPlace.read("{\"id\":4000000000,\"method\":\"order.place\",\"params\":{\"side\":\"BUY\"}}").id());
    }

    @Test
    void whatTheStrictReaderMustJudgeIsLeftToIt() {
        for (String text : List.of(
                "{\"id\":1,\"method\":\"order.place\",\"params\":{\"side\":\"BUY\",\"side\":\"SELL\"}}", // twice
                "{\"id\":1,\"method\":\"order.place\",\"params\":{\"accountId\":5,\"side\":\"BUY\"}}", // the account check
                "{\"id\":1,\"method\":\"order.place\",\"params\":{\"side\":\"BUY\"}} ", // trailing text
                "{\"id\":1, \"method\":\"order.place\",\"params\":{\"side\":\"BUY\"}}", // whitespace
                "{\"id\":1,\"method\":\"order.place\",\"params\":{\"clientOrderId\":1.0}}", // a fraction
                "{\"id\":1,\"method\":\"order.place\",\"params\":{\"clientOrderId\":007}}", // leading zeros
                "{\"id\":1,\"method\":\"order.place\",\"params\":{\"side\":null}}",
                "{\"id\":1,\"method\":\"order.place\",\"params\":{\"side\":\"\\u0042UY\"}}", // an escape
                "{\"id\":1,\"method\":\"order.place\",\"params\":{}}",
                "{\"id\":1,\"method\":\"order.cancel\",\"params\":{\"orderId\":5}}",
                "{\"method\":\"order.place\",\"id\":1,\"params\":{\"side\":\"BUY\"}}")) {
            assertNull(PlainOrderPlace.read(text), text);
        }
    }

    /** Seeded random messages, near the plain form and past it: every one the plain reader takes, the strict one reads alike. */
    @Test
    void randomMessagesReadAlike() {
        long seed = 0x5EED_0013L;
        SplittableRandom rnd = new SplittableRandom(seed);
        int plainCount = 0;
        for (int n = 0; n < 40_000; n++) {
            String text = message(rnd);
            try {
                check(text);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", message " + n + ": " + e.getMessage(), e);
            }
            if (PlainOrderPlace.read(text) != null) plainCount++;
        }
        assertTrue(plainCount > 4_000, "the generator should reach the plain form often: " + plainCount);
    }

    private static String message(SplittableRandom rnd) {
        StringBuilder b = new StringBuilder("{\"id\":").append(pick(rnd, IDS, 0.7, "1"));
        b.append(",\"method\":\"").append(rnd.nextInt(10) == 0 ? "order.cancel" : "order.place").append("\",\"params\":{");
        int fields = rnd.nextInt(7);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < fields; i++) {
            String name = rnd.nextInt(6) == 0 ? FIELDS[rnd.nextInt(FIELDS.length)] : FIELDS[rnd.nextInt(8)];
            String value = name.equals("clientOrderId") && rnd.nextBoolean() ? VALUES[20 + rnd.nextInt(VALUES.length - 20)]
                    : rnd.nextInt(5) == 0 ? VALUES[rnd.nextInt(VALUES.length)] : VALUES[rnd.nextInt(7)];
            parts.add("\"" + name + "\":" + value);
        }
        b.append(String.join(",", parts)).append("}}");
        String text = b.toString();
        if (rnd.nextInt(8) == 0) { // a character dropped, doubled or replaced
            int at = rnd.nextInt(text.length());
            text = switch (rnd.nextInt(3)) {
                case 0 -> text.substring(0, at) + text.substring(at + 1);
                case 1 -> text.substring(0, at) + text.charAt(at) + text.substring(at);
                default -> text.substring(0, at) + "{}[]\",: 0-\\".charAt(rnd.nextInt(11)) + text.substring(at + 1);
            };
        }
        return text;
    }

    private static String pick(SplittableRandom rnd, String[] values, double firstShare, String first) {
        return rnd.nextDouble() < firstShare ? first : values[rnd.nextInt(values.length)];
    }
}
