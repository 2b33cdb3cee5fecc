package io.zkclob.gateway;

import io.zkclob.gateway.BinanceRecords.Fill;
import java.util.List;
import java.util.Map;

/**
 * Binance's order vocabulary over ours: types, times in force, statuses and reject reasons. Translation only:
 * the rules themselves are the engine's ({@link TradingApi#validate} and the engine's verdict).
 */
final class BinanceOrders {
    private BinanceOrders() {}

    /** An order request in our terms; {@code final_}: its verdict is a final state (IOC, FOK, market). */
    record Placement(Backends.Market market, TradingApi.OrderRequest request, String binanceType, String binanceTif, boolean final_) {}

    /**
     * LIMIT with GTC (the default), IOC or FOK; LIMIT_MAKER is our post-only limit; MARKET takes quantity, or
     * quoteOrderQty for a buy (a budget in quote).
     */
    static Placement placement(BinanceParams p, Backends.Market m) {
        String side = p.require("side");
        if (!side.equals("BUY") && !side.equals("SELL")) throw BinanceException.badRequest(-1117, "Invalid side.");
        String type = p.require("type");
        String tif = p.get("timeInForce");
        String price = p.get("price");
        String qty = p.get("quantity");
        String quoteQty = p.get("quoteOrderQty");
        return switch (type) {
            case "LIMIT" -> {
                String t = tif == null ? "GTC" : tif;
                if (!List.of("GTC", "IOC", "FOK").contains(t)) throw BinanceException.badRequest(-1115, "Invalid timeInForce.");
                if (price == null) throw BinanceException.mandatory("price");
                if (qty == null) throw BinanceException.mandatory("quantity");
                if (quoteQty != null) throw BinanceException.badRequest(-1106, "Parameter 'quoteOrderQty' sent when not required.");
                yield new Placement(m, new TradingApi.OrderRequest(m.symbol(), side, "LIMIT", t, price, qty, null, null), "LIMIT", t, !t.equals("GTC"));
            }
            case "LIMIT_MAKER" -> {
                if (price == null) throw BinanceException.mandatory("price");
                if (qty == null) throw BinanceException.mandatory("quantity");
                yield new Placement(m, new TradingApi.OrderRequest(m.symbol(), side, "LIMIT", "POST_ONLY", price, qty, null, null),
                        "LIMIT_MAKER", "GTC", false);
            }
            case "MARKET" -> {
                if (price != null) throw BinanceException.badRequest(-1106, "Parameter 'price' sent when not required.");
                if ((qty == null) == (quoteQty == null)) {
                    throw BinanceException.badRequest(-1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!");
                }
                if (quoteQty != null && side.equals("SELL")) {
                    throw BinanceException.rejected("Market sells take quantity, not quoteOrderQty.");
                }
                yield new Placement(m, new TradingApi.OrderRequest(m.symbol(), side, "MARKET", "IOC", null, qty, quoteQty, null), "MARKET",
                        "GTC", true);
            }
            default -> throw BinanceException.badRequest(-1116, "Invalid orderType.");
        };
    }

    /** One order as order-service reports it (the quantities in units; null where a rejected order had none). */
    record Row(long orderId, long accountId, int marketId, long clientOrderId, String side, String orderType, String tif, Long price,
               Long qty, Long quoteQty, long filledQty, long filledQuote, String status, String rejectCode, String cancelReason) {
        static Row of(Map<String, Object> o) {
            return new Row(num(o, "orderId"), num(o, "accountId"), (int) num(o, "marketId"), num(o, "clientOrderId"), (String) o.get("side"),
                    (String) o.get("orderType"), (String) o.get("tif"), opt(o, "price"), opt(o, "qty"), opt(o, "quoteQty"),
                    num(o, "filledQty"), num(o, "filledQuote"), (String) o.get("status"), (String) o.get("rejectCode"),
                    (String) o.get("cancelReason"));
        }

        private static long num(Map<String, Object> o, String field) {
            return o.get(field) instanceof Number n ? n.longValue() : 0;
        }

        private static Long opt(Map<String, Object> o, String field) {
            return o.get(field) instanceof Number n ? n.longValue() : null;
        }

        boolean closed() {
            return !status.equals("OPEN") && !status.equals("PARTIALLY_FILLED");
        }
    }

    /**
     * Our status in Binance's words: OPEN is NEW; a cancel by its owner is CANCELED, an IOC or market remainder
     * and an unfillable FOK are EXPIRED, a maker removed by self-trade prevention is EXPIRED_IN_MATCH.
     */
    static String status(Row o) {
        return switch (o.status()) {
            case "OPEN" -> "NEW";
            case "CANCELED" -> switch (o.cancelReason() == null ? "USER" : o.cancelReason()) {
                case "IOC_REMAINDER", "FOK_UNFILLABLE" -> "EXPIRED";
                case "SELF_TRADE" -> "EXPIRED_IN_MATCH";
                default -> "CANCELED";
            };
            default -> o.status(); // PARTIALLY_FILLED, FILLED, REJECTED
        };
    }

    static BinanceRecords.Order view(Backends.Market m, Row o, String clientId, Long timeMs, Long updateMs, Long transactMs, List<Fill> fills) {
        boolean maker = "POST_ONLY".equals(o.tif());
        boolean market = "MARKET".equals(o.orderType());
        String type = market ? "MARKET" : maker ? "LIMIT_MAKER" : "LIMIT";
        String tif = market || maker || o.tif() == null ? "GTC" : o.tif();
        return new BinanceRecords.Order(BinanceMarkets.symbol(m), o.orderId(), -1, clientId, transactMs,
                BinanceMarkets.price(m, o.price() == null ? 0 : o.price()), BinanceMarkets.qty(m, o.qty() == null ? 0 : o.qty()),
                BinanceMarkets.qty(m, o.filledQty()), BinanceMarkets.price(m, o.quoteQty() == null ? 0 : o.quoteQty()),
                BinanceMarkets.price(m, o.filledQuote()), status(o), tif, type, o.side(), "0", timeMs, updateMs, timeMs,
                !market && !o.closed(), "EXPIRE_MAKER", fills);
    }

    /** The answer when the verdict did not show in time: the order is in the log, its state follows (GET /order). */
    static BinanceRecords.Order pending(Backends.Market m, long orderId, String clientId, Placement p, long takenAtMs) {
        TradingApi.OrderRequest r = p.request();
        return new BinanceRecords.Order(BinanceMarkets.symbol(m), orderId, -1, clientId, takenAtMs, r.price() == null ? "0" : r.price(),
                r.qty() == null ? "0" : r.qty(), "0", r.quoteQty() == null ? "0" : r.quoteQty(), "0", "NEW", p.binanceTif(), p.binanceType(),
                r.side(), "0", takenAtMs, takenAtMs, takenAtMs, true, "EXPIRE_MAKER", List.of());
    }

    /** The engine refused the order: Binance's -2010 with the message ccxt maps (InsufficientFunds, OrderImmediatelyFillable). */
    static BinanceException rejection(String rejectCode) {
        return BinanceErrors.translate(rejectCode == null ? "REJECTED" : rejectCode, "the engine rejected the order: " + rejectCode);
    }
}
