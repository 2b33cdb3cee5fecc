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

    private Units() {}

    static long parse(String value, int scale, String field, String precisionCode) {
        if (value == null || value.isBlank()) return 0;
        BigDecimal d;
        try {
            d = new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", field + " must be a decimal string, e.g. \"0.5\"");
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
