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
import java.nio.charset.StandardCharsets;

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

    /**
     * The field names of the hot types, each with its key as it stands in canonical JSON ({@code ,"name":}),
     * in bytes. Named exactly as the JSON fields (and the record components), hence the lower case.
     */
    private enum K {
        seq, timestampMs, accountId, marketId, clientOrderId, side, orderType, tif, price, qty, quoteQty, orderId,
        holdAssetId, holdAmount, makerOrderId, makerAccountId, takerOrderId, takerAccountId, takerSide, quoteAmount,
        makerFee, takerFee, makerHoldReleased, takerHoldReleased, reason, remainingQty, releasedAmount, code,
        existingOrderId, height, firstSeq, lastSeq, commandCount, eventCount, stateRoot, commandsRoot, eventsRoot;

        final byte[] key = (",\"" + name() + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    /** An enum's constants with their canonical JSON forms ({@code "NAME"}, quotes included), in bytes. */
    private record Names<E extends Enum<E>>(E[] values, byte[][] quoted) {
        static <E extends Enum<E>> Names<E> of(E[] values) {
            byte[][] quoted = new byte[values.length][];
            for (int k = 0; k < values.length; k++) {
                quoted[k] = ('"' + values[k].name() + '"').getBytes(StandardCharsets.US_ASCII);
            }
            return new Names<>(values, quoted);
        }
    }

    private static final Names<Side> SIDES = Names.of(Side.values());
    private static final Names<OrderType> ORDER_TYPES = Names.of(OrderType.values());
    private static final Names<TimeInForce> TIFS = Names.of(TimeInForce.values());
    private static final Names<RejectCode> REJECT_CODES = Names.of(RejectCode.values());
    private static final Names<CancelReason> CANCEL_REASONS = Names.of(CancelReason.values());

    /** The command in canonical JSON, or null where Jackson must read it (not canonical, or not a hot type). */
    static Command readCommand(String json) {
        try {
            return readCommand(new Reader(json));
        } catch (Miss m) {
            return null;
        }
    }

    /** The same from the record's UTF-8 bytes, without making a String of them first. */
    static Command readCommand(byte[] utf8) {
        return readCommand(new Reader(utf8));
    }

    private static Command readCommand(Reader r) {
        try {
            Command c = switch (r.typeName()) {
                case "PlaceOrder" -> new PlaceOrder(r.longField(K.seq), r.longField(K.timestampMs),
                        r.longField(K.accountId), r.intField(K.marketId), r.longField(K.clientOrderId),
                        r.enumField(K.side, SIDES), r.enumField(K.orderType, ORDER_TYPES), r.enumField(K.tif, TIFS),
                        r.longField(K.price), r.longField(K.qty), r.longField(K.quoteQty));
                case "CancelOrder" -> new CancelOrder(r.longField(K.seq), r.longField(K.timestampMs),
                        r.longField(K.accountId), r.longField(K.orderId), r.longField(K.clientOrderId));
                case "CancelAll" -> new CancelAll(r.longField(K.seq), r.longField(K.timestampMs),
                        r.longField(K.accountId), r.intField(K.marketId));
                case "SealBlock" -> new SealBlock(r.longField(K.seq), r.longField(K.timestampMs));
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
        try {
            return readEvent(new Reader(json));
        } catch (Miss m) {
            return null;
        }
    }

    /** The same from the record's UTF-8 bytes, without making a String of them first. */
    static Event readEvent(byte[] utf8) {
        return readEvent(new Reader(utf8));
    }

    private static Event readEvent(Reader r) {
        try {
            Event e = switch (r.typeName()) {
                case "OrderAccepted" -> new OrderAccepted(r.longField(K.seq), r.longField(K.orderId),
                        r.longField(K.accountId), r.intField(K.marketId), r.longField(K.clientOrderId),
                        r.enumField(K.side, SIDES), r.enumField(K.orderType, ORDER_TYPES), r.enumField(K.tif, TIFS),
                        r.longField(K.price), r.longField(K.qty), r.longField(K.quoteQty), r.intField(K.holdAssetId),
                        r.longField(K.holdAmount));
                case "TradeExecuted" -> new TradeExecuted(r.longField(K.seq), r.intField(K.marketId),
                        r.longField(K.makerOrderId), r.longField(K.makerAccountId), r.longField(K.takerOrderId),
                        r.longField(K.takerAccountId), r.enumField(K.takerSide, SIDES), r.longField(K.price),
                        r.longField(K.qty), r.longField(K.quoteAmount), r.longField(K.makerFee),
                        r.longField(K.takerFee), r.longField(K.makerHoldReleased), r.longField(K.takerHoldReleased));
                case "OrderCanceled" -> new OrderCanceled(r.longField(K.seq), r.longField(K.orderId),
                        r.longField(K.accountId), r.intField(K.marketId), r.enumField(K.reason, CANCEL_REASONS),
                        r.longField(K.remainingQty), r.intField(K.holdAssetId), r.longField(K.releasedAmount));
                case "OrderRejected" -> new OrderRejected(r.longField(K.seq), r.longField(K.accountId),
                        r.intField(K.marketId), r.longField(K.clientOrderId), r.enumField(K.code, REJECT_CODES),
                        r.longField(K.existingOrderId));
                case "CancelRejected" -> new CancelRejected(r.longField(K.seq), r.longField(K.accountId),
                        r.longField(K.orderId), r.longField(K.clientOrderId), r.enumField(K.code, REJECT_CODES));
                case "BlockSealed" -> new BlockSealed(r.longField(K.seq), r.longField(K.height),
                        r.longField(K.firstSeq), r.longField(K.lastSeq), r.longField(K.timestampMs),
                        r.intField(K.commandCount), r.intField(K.eventCount), r.stringField(K.stateRoot),
                        r.stringField(K.commandsRoot), r.stringField(K.eventsRoot));
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
     * It scans the text's bytes (ISO-8859-1: one byte per char, the copy of a compact string): a profile of a
     * scan by String.charAt and regionMatches spent most of its time in their checks and set-up. A char beyond
     * Latin-1 becomes '?', which no key, name or number holds; strings, the one place it could pass, are checked
     * on the text itself.
     */
    private static final class Reader {
        private static final byte[] TYPE_PREFIX = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
        /** The types read here (the switches of readCommand and readEvent); any other type is Jackson's. */
        private static final String[] HOT_TYPES = {"PlaceOrder", "CancelOrder", "CancelAll", "SealBlock",
                "OrderAccepted", "TradeExecuted", "OrderCanceled", "OrderRejected", "CancelRejected", "BlockSealed"};
        private static final byte[][] HOT_TYPE_NAMES = java.util.Arrays.stream(HOT_TYPES)
                .map(t -> t.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);

        /** The text, where the reader was given one (its strings are checked on it); null for bytes. */
        private final String s;
        private final byte[] b;
        private int i;

        Reader(String s) {
            this.s = s;
            this.b = s.getBytes(StandardCharsets.ISO_8859_1);
            // a surrogate pair encodes as one '?': the bytes would no longer line up with the text
            if (b.length != s.length()) throw MISS;
        }

        /**
         * Over a record's UTF-8 bytes as they are (the consumers' hot path: no String, no copy). Every byte of a
         * non-ASCII character is 0x80 or above, which no key, name or number holds and {@link PlainJsonString}
         * refuses in a string: such a message misses, as it does from text.
         */
        Reader(byte[] utf8) {
            this.s = null;
            this.b = utf8;
        }

        /** The type name, which must come first and be one of the hot types' (the same String each time). */
        String typeName() {
            if (!at(0, TYPE_PREFIX)) throw MISS;
            int start = TYPE_PREFIX.length;
            for (int k = 0; k < HOT_TYPE_NAMES.length; k++) {
                byte[] name = HOT_TYPE_NAMES[k];
                int end = start + name.length;
                if (at(start, name) && end < b.length && b[end] == '"') {
                    i = end + 1;
                    return HOT_TYPES[k];
                }
            }
            throw MISS;
        }

        long longField(K name) {
            key(name);
            return number();
        }

        int intField(K name) {
            key(name);
            long v = number();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw MISS; // Jackson fails on it: let it say how
            return (int) v;
        }

        /** By name, or null (Jackson reads null for an enum; the malformed-command vectors carry it). */
        <E extends Enum<E>> E enumField(K name, Names<E> names) {
            key(name);
            if (isNull()) return null;
            byte[][] quoted = names.quoted();
            for (int k = 0; k < quoted.length; k++) {
                if (at(i, quoted[k])) {
                    i += quoted[k].length;
                    return names.values()[k];
                }
            }
            throw MISS;
        }

        /** Null, or a string without escapes, control characters or non-ASCII (the hex roots); the rest miss. */
        String stringField(K name) {
            key(name);
            if (isNull()) return null;
            if (i >= b.length || b[i] != '"') throw MISS;
            int start = i + 1;
            int end = s != null ? PlainJsonString.end(s, start) : PlainJsonString.end(b, start);
            if (end < 0) throw MISS;
            i = end + 1;
            return s != null ? s.substring(start, end) : new String(b, start, end - start, StandardCharsets.US_ASCII);
        }

        private boolean isNull() {
            if (i + 4 > b.length || b[i] != 'n' || b[i + 1] != 'u' || b[i + 2] != 'l' || b[i + 3] != 'l') return false;
            i += 4;
            return true;
        }

        /** {@code ,"name":} exactly. */
        private void key(K name) {
            if (!at(i, name.key)) throw MISS;
            i += name.key.length;
        }

        private boolean at(int from, byte[] text) {
            if (from + text.length > b.length) return false;
            for (int k = 0; k < text.length; k++) {
                if (b[from + k] != text[k]) return false;
            }
            return true;
        }

        /**
         * A JSON integer that fits a long: an optional minus, digits, no leading zero. Anything Jackson might read
         * differently (a fraction, an exponent, a quoted number) ends the number early and the literal that must
         * follow then misses; an overflow misses here, and Jackson reports it.
         */
        private long number() {
            boolean negative = i < b.length && b[i] == '-';
            int start = negative ? i + 1 : i;
            int j = start;
            long v = 0; // accumulated negatively, as Long.parseLong does, so that Long.MIN_VALUE fits
            for (; j < b.length; j++) {
                int d = b[j] - '0';
                if (d < 0 || d > 9) break;
                if (v < Long.MIN_VALUE / 10) throw MISS;
                v *= 10;
                if (v < Long.MIN_VALUE + d) throw MISS;
                v -= d;
            }
            int digits = j - start;
            if (digits == 0 || (digits > 1 && b[start] == '0')) throw MISS;
            if (!negative) {
                if (v == Long.MIN_VALUE) throw MISS;
                v = -v;
            }
            i = j;
            return v;
        }

        /** The closing brace, and nothing after it. */
        void end() {
            if (i != b.length - 1 || b[i] != '}') throw MISS;
        }
    }
}
