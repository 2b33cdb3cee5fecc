package io.zkclob.contracts.json;

import io.zkclob.contracts.CancelReason;
import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.CancelAll;
import io.zkclob.contracts.Command.CancelOrder;
import io.zkclob.contracts.Command.PlaceOrder;
import io.zkclob.contracts.Command.SealBlock;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.BlockSealed;
import io.zkclob.contracts.Event.CancelRejected;
import io.zkclob.contracts.Event.OrderAccepted;
import io.zkclob.contracts.Event.OrderCanceled;
import io.zkclob.contracts.Event.OrderRejected;
import io.zkclob.contracts.Event.TradeExecuted;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.RejectCode;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;

/**
 * A hand-written fast path for the messages of the order path (a profile of the fleet at 4,000 orders/s put
 * 12.7 % of its CPU in Jackson's polymorphic databind for these). The writer gives byte for byte what
 * {@link MessageJson#MAPPER} writes: {@code type} first, then the record's components in declaration order,
 * numbers in decimal, enums by name, strings escaped by Jackson itself unless they are plain printable ASCII.
 * The reader accepts only that canonical form; anything else (another field order, an unknown or missing field,
 * whitespace, an escape, a null, a number it cannot take exactly, another type) is a miss and the caller hands
 * the text to Jackson, so what is accepted and what fails stays exactly Jackson's.
 */
final class CanonicalJson {
    private CanonicalJson() {}

    /** A miss: not the canonical form of a hot type. Thrown without a stack trace and caught in this class. */
    private static final class Miss extends RuntimeException {
        Miss() { super(null, null, false, false); }
    }

    private static final Miss MISS = new Miss();

    private static final Side[] SIDES = Side.values();
    private static final OrderType[] ORDER_TYPES = OrderType.values();
    private static final TimeInForce[] TIFS = TimeInForce.values();
    private static final RejectCode[] REJECT_CODES = RejectCode.values();
    private static final CancelReason[] CANCEL_REASONS = CancelReason.values();

    // ---------------------------------------------------------------- writing

    /** The canonical JSON of a hot message, or null for any other object (the caller uses Jackson). */
    static String write(Object message) {
        return switch (message) {
            case OrderAccepted e -> orderAccepted(e);
            case TradeExecuted e -> tradeExecuted(e);
            case OrderCanceled e -> orderCanceled(e);
            case OrderRejected e -> orderRejected(e);
            case CancelRejected e -> cancelRejected(e);
            case BlockSealed e -> blockSealed(e);
            case PlaceOrder c -> placeOrder(c);
            case CancelOrder c -> cancelOrder(c);
            case CancelAll c -> cancelAll(c);
            case SealBlock c -> sealBlock(c);
            case null, default -> null;
        };
    }

    private static String placeOrder(PlaceOrder c) {
        StringBuilder b = new StringBuilder(256).append("{\"type\":\"PlaceOrder\",\"seq\":").append(c.seq())
                .append(",\"timestampMs\":").append(c.timestampMs())
                .append(",\"accountId\":").append(c.accountId())
                .append(",\"marketId\":").append(c.marketId())
                .append(",\"clientOrderId\":").append(c.clientOrderId());
        name(b.append(",\"side\":"), c.side());
        name(b.append(",\"orderType\":"), c.orderType());
        name(b.append(",\"tif\":"), c.tif());
        return b.append(",\"price\":").append(c.price())
                .append(",\"qty\":").append(c.qty())
                .append(",\"quoteQty\":").append(c.quoteQty()).append('}').toString();
    }

    private static String cancelOrder(CancelOrder c) {
        return new StringBuilder(160).append("{\"type\":\"CancelOrder\",\"seq\":").append(c.seq())
                .append(",\"timestampMs\":").append(c.timestampMs())
                .append(",\"accountId\":").append(c.accountId())
                .append(",\"orderId\":").append(c.orderId())
                .append(",\"clientOrderId\":").append(c.clientOrderId()).append('}').toString();
    }

    private static String cancelAll(CancelAll c) {
        return new StringBuilder(128).append("{\"type\":\"CancelAll\",\"seq\":").append(c.seq())
                .append(",\"timestampMs\":").append(c.timestampMs())
                .append(",\"accountId\":").append(c.accountId())
                .append(",\"marketId\":").append(c.marketId()).append('}').toString();
    }

    private static String sealBlock(SealBlock c) {
        return new StringBuilder(80).append("{\"type\":\"SealBlock\",\"seq\":").append(c.seq())
                .append(",\"timestampMs\":").append(c.timestampMs()).append('}').toString();
    }

    private static String orderAccepted(OrderAccepted e) {
        StringBuilder b = new StringBuilder(320).append("{\"type\":\"OrderAccepted\",\"seq\":").append(e.seq())
                .append(",\"orderId\":").append(e.orderId())
                .append(",\"accountId\":").append(e.accountId())
                .append(",\"marketId\":").append(e.marketId())
                .append(",\"clientOrderId\":").append(e.clientOrderId());
        name(b.append(",\"side\":"), e.side());
        name(b.append(",\"orderType\":"), e.orderType());
        name(b.append(",\"tif\":"), e.tif());
        return b.append(",\"price\":").append(e.price())
                .append(",\"qty\":").append(e.qty())
                .append(",\"quoteQty\":").append(e.quoteQty())
                .append(",\"holdAssetId\":").append(e.holdAssetId())
                .append(",\"holdAmount\":").append(e.holdAmount()).append('}').toString();
    }

    private static String orderRejected(OrderRejected e) {
        StringBuilder b = new StringBuilder(192).append("{\"type\":\"OrderRejected\",\"seq\":").append(e.seq())
                .append(",\"accountId\":").append(e.accountId())
                .append(",\"marketId\":").append(e.marketId())
                .append(",\"clientOrderId\":").append(e.clientOrderId());
        name(b.append(",\"code\":"), e.code());
        return b.append(",\"existingOrderId\":").append(e.existingOrderId()).append('}').toString();
    }

    private static String tradeExecuted(TradeExecuted e) {
        StringBuilder b = new StringBuilder(384).append("{\"type\":\"TradeExecuted\",\"seq\":").append(e.seq())
                .append(",\"marketId\":").append(e.marketId())
                .append(",\"makerOrderId\":").append(e.makerOrderId())
                .append(",\"makerAccountId\":").append(e.makerAccountId())
                .append(",\"takerOrderId\":").append(e.takerOrderId())
                .append(",\"takerAccountId\":").append(e.takerAccountId());
        name(b.append(",\"takerSide\":"), e.takerSide());
        return b.append(",\"price\":").append(e.price())
                .append(",\"qty\":").append(e.qty())
                .append(",\"quoteAmount\":").append(e.quoteAmount())
                .append(",\"makerFee\":").append(e.makerFee())
                .append(",\"takerFee\":").append(e.takerFee())
                .append(",\"makerHoldReleased\":").append(e.makerHoldReleased())
                .append(",\"takerHoldReleased\":").append(e.takerHoldReleased()).append('}').toString();
    }

    private static String orderCanceled(OrderCanceled e) {
        StringBuilder b = new StringBuilder(224).append("{\"type\":\"OrderCanceled\",\"seq\":").append(e.seq())
                .append(",\"orderId\":").append(e.orderId())
                .append(",\"accountId\":").append(e.accountId())
                .append(",\"marketId\":").append(e.marketId());
        name(b.append(",\"reason\":"), e.reason());
        return b.append(",\"remainingQty\":").append(e.remainingQty())
                .append(",\"holdAssetId\":").append(e.holdAssetId())
                .append(",\"releasedAmount\":").append(e.releasedAmount()).append('}').toString();
    }

    private static String cancelRejected(CancelRejected e) {
        StringBuilder b = new StringBuilder(160).append("{\"type\":\"CancelRejected\",\"seq\":").append(e.seq())
                .append(",\"accountId\":").append(e.accountId())
                .append(",\"orderId\":").append(e.orderId())
                .append(",\"clientOrderId\":").append(e.clientOrderId());
        name(b.append(",\"code\":"), e.code());
        return b.append('}').toString();
    }

    private static String blockSealed(BlockSealed e) {
        StringBuilder b = new StringBuilder(384).append("{\"type\":\"BlockSealed\",\"seq\":").append(e.seq())
                .append(",\"height\":").append(e.height())
                .append(",\"firstSeq\":").append(e.firstSeq())
                .append(",\"lastSeq\":").append(e.lastSeq())
                .append(",\"timestampMs\":").append(e.timestampMs())
                .append(",\"commandCount\":").append(e.commandCount())
                .append(",\"eventCount\":").append(e.eventCount());
        string(b.append(",\"stateRoot\":"), e.stateRoot());
        string(b.append(",\"commandsRoot\":"), e.commandsRoot());
        string(b.append(",\"eventsRoot\":"), e.eventsRoot());
        return b.append('}').toString();
    }

    /** Jackson writes an enum by name (none of ours overrides toString or carries a Jackson annotation). */
    private static void name(StringBuilder b, Enum<?> value) {
        if (value == null) b.append("null");
        else b.append('"').append(value.name()).append('"');
    }

    /**
     * Plain printable ASCII needs no escape in Jackson's output; any other string (quotes, backslashes, control
     * characters, non-ASCII, lone surrogates) is quoted by Jackson itself, so its escaping rules stay the only ones.
     */
    private static void string(StringBuilder b, String value) {
        if (value == null) {
            b.append("null");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\') {
                b.append(MessageJson.MAPPER.writeValueAsString(value));
                return;
            }
        }
        b.append('"').append(value).append('"');
    }

    // ---------------------------------------------------------------- reading

    /** The command in canonical JSON, or null where Jackson must read it (not canonical, or not a hot type). */
    static Command readCommand(String json) {
        Reader r = new Reader(json);
        try {
            Command c = switch (r.typeName()) {
                case "PlaceOrder" -> new PlaceOrder(r.longField("seq"), r.longField("timestampMs"),
                        r.longField("accountId"), r.intField("marketId"), r.longField("clientOrderId"),
                        r.enumField("side", SIDES), r.enumField("orderType", ORDER_TYPES), r.enumField("tif", TIFS),
                        r.longField("price"), r.longField("qty"), r.longField("quoteQty"));
                case "CancelOrder" -> new CancelOrder(r.longField("seq"), r.longField("timestampMs"),
                        r.longField("accountId"), r.longField("orderId"), r.longField("clientOrderId"));
                case "CancelAll" -> new CancelAll(r.longField("seq"), r.longField("timestampMs"),
                        r.longField("accountId"), r.intField("marketId"));
                case "SealBlock" -> new SealBlock(r.longField("seq"), r.longField("timestampMs"));
                default -> throw MISS;
            };
            r.end();
            return c;
        } catch (Miss m) {
            return null;
        }
    }

    /** The event in canonical JSON, or null where Jackson must read it (not canonical, or not a hot type). */
    static Event readEvent(String json) {
        Reader r = new Reader(json);
        try {
            Event e = switch (r.typeName()) {
                case "OrderAccepted" -> new OrderAccepted(r.longField("seq"), r.longField("orderId"),
                        r.longField("accountId"), r.intField("marketId"), r.longField("clientOrderId"),
                        r.enumField("side", SIDES), r.enumField("orderType", ORDER_TYPES), r.enumField("tif", TIFS),
                        r.longField("price"), r.longField("qty"), r.longField("quoteQty"), r.intField("holdAssetId"),
                        r.longField("holdAmount"));
                case "TradeExecuted" -> new TradeExecuted(r.longField("seq"), r.intField("marketId"),
                        r.longField("makerOrderId"), r.longField("makerAccountId"), r.longField("takerOrderId"),
                        r.longField("takerAccountId"), r.enumField("takerSide", SIDES), r.longField("price"),
                        r.longField("qty"), r.longField("quoteAmount"), r.longField("makerFee"),
                        r.longField("takerFee"), r.longField("makerHoldReleased"), r.longField("takerHoldReleased"));
                case "OrderCanceled" -> new OrderCanceled(r.longField("seq"), r.longField("orderId"),
                        r.longField("accountId"), r.intField("marketId"), r.enumField("reason", CANCEL_REASONS),
                        r.longField("remainingQty"), r.intField("holdAssetId"), r.longField("releasedAmount"));
                case "OrderRejected" -> new OrderRejected(r.longField("seq"), r.longField("accountId"),
                        r.intField("marketId"), r.longField("clientOrderId"), r.enumField("code", REJECT_CODES),
                        r.longField("existingOrderId"));
                case "CancelRejected" -> new CancelRejected(r.longField("seq"), r.longField("accountId"),
                        r.longField("orderId"), r.longField("clientOrderId"), r.enumField("code", REJECT_CODES));
                case "BlockSealed" -> new BlockSealed(r.longField("seq"), r.longField("height"),
                        r.longField("firstSeq"), r.longField("lastSeq"), r.longField("timestampMs"),
                        r.intField("commandCount"), r.intField("eventCount"), r.stringField("stateRoot"),
                        r.stringField("commandsRoot"), r.stringField("eventsRoot"));
                default -> throw MISS;
            };
            r.end();
            return e;
        } catch (Miss m) {
            return null;
        }
    }

    /**
     * A cursor over one canonical message. Java evaluates constructor arguments left to right, so the calls in
     * {@code new X(r.longField(..), r.intField(..), ...)} read the fields in the record's declaration order.
     */
    private static final class Reader {
        private static final String TYPE_PREFIX = "{\"type\":\"";

        private final String s;
        private int i;

        Reader(String s) {
            this.s = s;
        }

        /** The type name, which must come first and be a plain string; a name no hot type has is a miss later. */
        String typeName() {
            if (!s.startsWith(TYPE_PREFIX)) throw MISS;
            int start = TYPE_PREFIX.length();
            int end = s.indexOf('"', start);
            if (end < 0 || end - start > 32) throw MISS;
            i = end + 1;
            return s.substring(start, end);
        }

        long longField(String name) {
            key(name);
            return number();
        }

        int intField(String name) {
            key(name);
            long v = number();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw MISS; // Jackson fails on it: let it say how
            return (int) v;
        }

        /** By name, or null (Jackson reads null for an enum; the malformed-command vectors carry it). */
        <E extends Enum<E>> E enumField(String name, E[] values) {
            key(name);
            if (isNull()) return null;
            if (i >= s.length() || s.charAt(i) != '"') throw MISS;
            int start = i + 1;
            for (E v : values) {
                String n = v.name();
                int after = start + n.length();
                if (after < s.length() && s.charAt(after) == '"' && s.regionMatches(start, n, 0, n.length())) {
                    i = after + 1;
                    return v;
                }
            }
            throw MISS;
        }

        /** Null, or a string without escapes, control characters or non-ASCII (the hex roots); the rest miss. */
        String stringField(String name) {
            key(name);
            if (isNull()) return null;
            if (i >= s.length() || s.charAt(i) != '"') throw MISS;
            int start = i + 1;
            for (int j = start; j < s.length(); j++) {
                char ch = s.charAt(j);
                if (ch == '"') {
                    i = j + 1;
                    return s.substring(start, j);
                }
                if (ch < 0x20 || ch > 0x7e || ch == '\\') throw MISS;
            }
            throw MISS;
        }

        private boolean isNull() {
            if (!s.startsWith("null", i)) return false;
            i += 4;
            return true;
        }

        /** {@code ,"name":} exactly. */
        private void key(String name) {
            int n = name.length();
            if (i + n + 4 > s.length() || s.charAt(i) != ',' || s.charAt(i + 1) != '"'
                    || !s.regionMatches(i + 2, name, 0, n) || s.charAt(i + 2 + n) != '"'
                    || s.charAt(i + 3 + n) != ':') {
                throw MISS;
            }
            i += n + 4;
        }

        /**
         * A JSON integer that fits a long: an optional minus, then no leading zero. Anything Jackson might read
         * differently (a fraction, an exponent, a quoted number, an overflow) ends the number early or misses,
         * and the literal that must follow then misses.
         */
        private long number() {
            int len = s.length();
            boolean negative = i < len && s.charAt(i) == '-';
            int start = negative ? i + 1 : i;
            int j = start;
            while (j < len && j - start <= 19) {
                char ch = s.charAt(j);
                if (ch < '0' || ch > '9') break;
                j++;
            }
            int digits = j - start;
            if (digits == 0 || digits > 19 || (digits > 1 && s.charAt(start) == '0')) throw MISS;
            // accumulated negatively, as Long.parseLong does, so that Long.MIN_VALUE fits
            long v = 0;
            if (digits < 19) {
                for (int k = start; k < j; k++) v = v * 10 - (s.charAt(k) - '0');
            } else {
                for (int k = start; k < j; k++) {
                    int d = s.charAt(k) - '0';
                    if (v < Long.MIN_VALUE / 10) throw MISS;
                    v *= 10;
                    if (v < Long.MIN_VALUE + d) throw MISS;
                    v -= d;
                }
            }
            if (!negative) {
                if (v == Long.MIN_VALUE) throw MISS;
                v = -v;
            }
            i = j;
            return v;
        }

        /** The closing brace, and nothing after it. */
        void end() {
            if (i != s.length() - 1 || s.charAt(i) != '}') throw MISS;
        }
    }
}
