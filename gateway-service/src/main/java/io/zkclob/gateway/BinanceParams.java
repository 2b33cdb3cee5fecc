package io.zkclob.gateway;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a Binance-style request as sent: the query string, then a form-encoded body (ccxt sends GET
 * and DELETE parameters in the query, POST parameters in the body). {@link #signedPayload} is Binance's
 * "totalParams": the query string concatenated with the body, with the {@code signature} pair taken out of
 * whichever holds it; the HMAC is checked over exactly those bytes, never over a re-encoding.
 */
record BinanceParams(Map<String, String> values, String signedPayload, String signature) {
    /** More than any Binance request carries; the body is already bounded by {@link BodyLimit}. */
    static final int MAX_PARAMS = 64;

    String get(String name) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    String require(String name) {
        String v = get(name);
        if (v == null) throw BinanceException.mandatory(name);
        return v;
    }

    Long getLong(String name) {
        String v = get(name);
        return v == null ? null : parseLong(v, name);
    }

    static long parseLong(String v, String name) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw BinanceException.badRequest(-1100, "Illegal characters found in parameter '" + name + "'; legal range is '^[0-9]{1,20}$'.");
        }
    }

    static BinanceParams read(HttpServletRequest req) {
        String query = req.getQueryString() == null ? "" : req.getQueryString();
        String body = "";
        String contentType = req.getContentType();
        if (contentType == null || contentType.startsWith("application/x-www-form-urlencoded")) {
            try {
                // BodyLimit has read the body already (at most 64 KiB) and hands it on from memory.
                body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw BinanceException.badRequest(-1100, "The request body could not be read.");
            }
        }
        return parse(query, body);
    }

    static BinanceParams parse(String query, String body) {
        Map<String, String> values = new LinkedHashMap<>();
        String[] signature = {null};
        String signedQuery = collect(query, values, signature);
        String signedBody = collect(body, values, signature);
        return new BinanceParams(Collections.unmodifiableMap(values), signedQuery + signedBody, signature[0]);
    }

    /** Adds the pairs of one part to {@code values}; returns the part's text without its signature pair. */
    private static String collect(String part, Map<String, String> values, String[] signature) {
        if (part.isEmpty()) return "";
        List<String> kept = new ArrayList<>();
        for (String pair : part.split("&", -1)) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (name.equals("signature")) {
                if (signature[0] != null) throw duplicate(name);
                signature[0] = value;
                continue;
            }
            if (values.containsKey(name)) throw duplicate(name);
            if (values.size() >= MAX_PARAMS) throw BinanceException.badRequest(-1101, "Too many parameters sent for this endpoint.");
            values.put(name, value);
            kept.add(pair);
        }
        return String.join("&", kept);
    }

    private static BinanceException duplicate(String name) {
        return BinanceException.badRequest(-1101, "Duplicate values for a parameter detected: '" + name + "'.");
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw BinanceException.badRequest(-1100, "Illegal characters found in a parameter.");
        }
    }
}
