package io.zkclob.gateway;

import io.zkclob.contracts.json.PlainJsonString;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.StringNode;

/**
 * A WebSocket {@code order.place} in its plain form, read without Jackson: {@code {"id":…,"method":"order.place",
 * "params":{…}}} in that order, no whitespace, the id an integer or a plain string, the params some of the order's
 * fields (each at most once, in any order) with plain string values and an integer {@code clientOrderId}. The
 * strict reader (RequestJson, then the params read as an {@link TradingApi.OrderRequest}) took 7-8 µs of the event
 * loop per order at 4,000 orders/s (docs/benchmarks.md, session 13); this takes well under one.
 *
 * <p>One reading only: {@link #read} answers either exactly what the strict reader would (the same id, the same
 * request) or null, and then the message goes to the strict reader, which accepts or refuses it as before. So it
 * answers null for anything it does not take in full: whitespace, escapes, characters outside printable ASCII, a
 * field it does not know or knows twice, {@code params.accountId} (the account check needs the tree), {@code null}
 * values, numbers other than plain integers, trailing text. {@code PlainOrderPlaceTest} holds the two readers equal
 * on every message it builds.
 */
public final class PlainOrderPlace {
    private static final String HEAD = "{\"id\":";
    private static final String METHOD = ",\"method\":\"order.place\",\"params\":{";
    /** The order's fields, in {@link TradingApi.OrderRequest}'s order; their index is their bit in {@code seen}. */
    private static final String[] FIELDS = {"market", "side", "type", "timeInForce", "price", "qty", "quoteQty", "clientOrderId"};
    private static final int CLIENT_ORDER_ID = 7;
    /** Digits of an integer read here: 18 always fit a long; longer ones go to the strict reader. */
    private static final int MAX_DIGITS = 18;

    private final JsonNode id;
    final TradingApi.OrderRequest order;

    private PlainOrderPlace(JsonNode id, TradingApi.OrderRequest order) {
        this.id = id;
        this.order = order;
    }

    /** The request's id, as the strict reader's tree would hold it. */
    public JsonNode id() {
        return id;
    }

    /** The order.place in {@code text}, or null when it is not in the plain form (read it strictly then). */
    public static PlainOrderPlace read(String text) {
        if (!text.startsWith(HEAD)) return null;
        Cursor at = new Cursor(text, HEAD.length());
        JsonNode id;
        if (at.peek() == '"') {
            String s = at.string();
            if (s == null) return null;
            id = StringNode.valueOf(s);
        } else {
            long n = at.integer();
            if (at.failed) return null;
            id = n == (int) n ? IntNode.valueOf((int) n) : LongNode.valueOf(n);
        }
        if (!text.startsWith(METHOD, at.pos)) return null;
        at.pos += METHOD.length();
        String[] values = new String[FIELDS.length];
        Long clientOrderId = null;
        int seen = 0;
        if (at.peek() == '}') return null; // no fields: the strict reader's refusal
        while (true) { // at most FIELDS.length rounds: a field past them is unknown or a repeat
            if (at.peek() != '"') return null;
            String name = at.string();
            if (name == null || at.next() != ':') return null;
            int f = field(name);
            if (f < 0 || (seen & 1 << f) != 0) return null; // unknown (accountId included) or twice
            seen |= 1 << f;
            if (f == CLIENT_ORDER_ID) {
                clientOrderId = at.integer();
                if (at.failed) return null;
            } else {
                if (at.peek() != '"') return null;
                values[f] = at.string();
                if (values[f] == null) return null;
            }
            char c = at.next();
            if (c == '}') break;
            if (c != ',') return null;
        }
        if (at.next() != '}' || at.pos != text.length()) return null;
        return new PlainOrderPlace(id, new TradingApi.OrderRequest(values[0], values[1], values[2], values[3], values[4],
                values[5], values[6], clientOrderId));
    }

    /** Printable ASCII without a quote or a backslash: a string JSON writes as it is, between quotes. */
    public static boolean plain(String s) {
        if (s == null) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
        }
        return true;
    }

    private static int field(String name) {
        for (int i = 0; i < FIELDS.length; i++) {
            if (FIELDS[i].equals(name)) return i;
        }
        return -1;
    }

    /** A position in the text; {@link #failed} once something is not in the plain form. */
    private static final class Cursor {
        final String text;
        int pos;
        boolean failed;

        Cursor(String text, int pos) {
            this.text = text;
            this.pos = pos;
        }

        char peek() {
            return pos < text.length() ? text.charAt(pos) : 0;
        }

        char next() {
            return pos < text.length() ? text.charAt(pos++) : 0;
        }

        /** A quoted string of printable ASCII without escapes; null otherwise. */
        String string() {
            int start = ++pos; // past the opening quote
            int end = PlainJsonString.end(text, start);
            if (end < 0) return null;
            pos = end + 1;
            return text.substring(start, end);
        }

        /** An integer: an optional minus, no leading zero, 1 to {@link #MAX_DIGITS} digits, then no fraction or exponent. */
        long integer() {
            boolean negative = peek() == '-';
            if (negative) pos++;
            int start = pos;
            long v = 0;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                v = v * 10 + (text.charAt(pos) - '0');
                pos++;
            }
            int digits = pos - start;
            char after = peek();
            if (digits == 0 || digits > MAX_DIGITS || (digits > 1 && text.charAt(start) == '0')
                    || after == '.' || after == 'e' || after == 'E') {
                failed = true;
                return 0;
            }
            return negative ? -v : v;
        }
    }
}
