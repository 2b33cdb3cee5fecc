package io.zkclob.gateway;

import io.zkclob.support.ApiException;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.springframework.http.HttpStatus;

/**
 * Decimal strings at the API, integers inside: "3000.5" USDT with scale 6 is 3000500000 units. A value with
 * more decimals than the asset has, or beyond 63 bits, is refused here with the engine's code.
 */
final class Units {
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);
    /** Longer than any amount that fits in 63 bits at any scale we list (19 digits, a point, 18 decimals). */
    static final int MAX_CHARS = 40;
    /**
     * Bounds on the magnitude (integer digits) and the decimals of a parsed value. BigDecimal keeps "1e3000000" as
     * (1, scale -3000000) cheaply, but moving the point or building the integer costs time in the exponent, so
     * both are checked before any arithmetic.
     */
    private static final int MAX_EXPONENT = 40;

    /**
     * The one spelling of a decimal: ASCII digits, an optional point and exponent, a minus for the 422 it earns.
     * BigDecimal alone also takes "+3000", full-width "３０００" and other Unicode digits; the API took them and a
     * surrounding space too (the fuzzer placed orders at those prices): more than one spelling for one amount.
     */
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    private Units() {}

    /** Whether {@code value} is an amount's spelling (or empty, left out): what the document's pattern says. */
    static boolean wellFormed(String value) {
        return value == null || value.isEmpty() || (value.length() <= MAX_CHARS && DECIMAL.matcher(value).matches());
    }

    static long parse(String value, int scale, String field, String precisionCode) {
        // Empty is "left out"; blanks are not a second spelling of it (one spelling for each value).
        if (value == null || value.isEmpty()) return 0;
        String text = value;
        if (text.length() > MAX_CHARS) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", field + " has more than " + MAX_CHARS + " characters");
        }
        if (!DECIMAL.matcher(text).matches()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", field + " must be a decimal string of ASCII digits, e.g. \"0.5\"");
        }
        BigDecimal d;
        try {
            d = new BigDecimal(text);
        } catch (NumberFormatException e) {
            // Well formed (DECIMAL matched), so only an exponent beyond int range is left: "1E6446440393" is a number
            // too large, "1E-6446440393" one with too many decimals, answered as their smaller cousins below (the
            // document's pattern takes them; the long fuzz run found 400 for schema-valid input).
            boolean tiny = text.matches(".*[eE]-.*");
            throw tiny ? new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, precisionCode, field + " has more than " + MAX_EXPONENT + " decimals")
                    : new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "AMOUNT_OVERFLOW", field + " is too large (more than " + MAX_EXPONENT + " digits)");
        }
        // precision - scale is the number of digits left of the point (<= 0 for a fraction): bounded, as is the scale.
        long integerDigits = (long) d.precision() - d.scale();
        // Refused with the codes their smaller cousins get (1e30 is AMOUNT_OVERFLOW, 1e-30 too many decimals): a
        // well-formed number out of range is not a malformed request (the fuzzer counted 400 for schema-valid input).
        if (integerDigits > MAX_EXPONENT) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "AMOUNT_OVERFLOW", field + " is too large (more than " + MAX_EXPONENT + " digits)");
        }
        if (d.scale() > MAX_EXPONENT) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, precisionCode, field + " has more than " + MAX_EXPONENT + " decimals");
        }
        if (d.signum() < 0) throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "INVALID_AMOUNT", field + " must be positive");
        BigDecimal scaled = d.movePointRight(scale);
        if (scaled.stripTrailingZeros().scale() > 0) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, precisionCode, field + " has more than " + scale + " decimals");
        }
        BigInteger units = scaled.toBigIntegerExact();
        if (units.compareTo(MAX) > 0) throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "AMOUNT_OVERFLOW", field + " is too large");
        return units.longValueExact();
    }

    static String format(long units, int scale) {
        BigDecimal d = BigDecimal.valueOf(units, scale).stripTrailingZeros();
        return (d.scale() < 0 ? d.setScale(0) : d).toPlainString();
    }
}
