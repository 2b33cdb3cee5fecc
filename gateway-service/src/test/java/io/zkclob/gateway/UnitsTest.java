package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.zkclob.support.ApiException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class UnitsTest {
    @Test
    void parsesDecimalStringsToUnits() {
        assertEquals(3_000_500_000L, Units.parse("3000.5", 6, "price", "INVALID_TICK"));
        assertEquals(1_000_000L, Units.parse("1e0", 6, "price", "INVALID_TICK"));
        assertEquals(Long.MAX_VALUE, Units.parse("9223372036854775807", 0, "qty", "INVALID_LOT"));
        assertEquals(0, Units.parse(null, 6, "qty", "INVALID_LOT"));
    }

    /** Issue 11 #6: "1e3000000" built a 3,000,000-digit integer (seconds of CPU) before the size check. */
    @Test
    void hugeExponentsAndDigitCountsAreRefusedBeforeAnyArithmetic() {
        for (String hostile : new String[] {"1e3000000", "1E999999999", "1".repeat(1_000_000), "0." + "0".repeat(100_000) + "1", "1e-3000000"}) {
            ApiException e = assertTimeoutPreemptively(Duration.ofMillis(200),
                    () -> assertThrows(ApiException.class, () -> Units.parse(hostile, 6, "price", "INVALID_TICK")));
            // Longer than 40 characters: malformed; shorter: out of range, with the code 1e30 or 1e-30 gets.
            String expected = hostile.length() > Units.MAX_CHARS ? "MALFORMED_REQUEST" : hostile.contains("-") ? "INVALID_TICK" : "AMOUNT_OVERFLOW";
            assertEquals(expected, e.code(), hostile.substring(0, Math.min(12, hostile.length())));
        }
    }

    @Test
    void exponentsBeyondFortyAreRefusedEvenInShortStrings() {
        assertEquals("AMOUNT_OVERFLOW", assertThrows(ApiException.class, () -> Units.parse("1e41", 0, "qty", "INVALID_LOT")).code());
        assertEquals("INVALID_LOT", assertThrows(ApiException.class, () -> Units.parse("1e-41", 0, "qty", "INVALID_LOT")).code());
        // Inside the bounds, the usual codes still decide.
        assertEquals("AMOUNT_OVERFLOW", assertThrows(ApiException.class, () -> Units.parse("1e30", 0, "qty", "INVALID_LOT")).code());
        assertEquals("INVALID_LOT", assertThrows(ApiException.class, () -> Units.parse("1e-30", 6, "qty", "INVALID_LOT")).code());
    }

    @Test
    void onlyOneSpellingOfADecimalIsTaken() {
        // Found by FuzzIT: each of these was an order at 3000 or 0.1.
        for (String other : new String[] {"３０００", "+3000", " 3000", "3000 ", "0.1\n", "3٠", "1_000", "0x10", "NaN", "Infinity", "", "."}) {
            assertEquals("MALFORMED_REQUEST", assertThrows(ApiException.class, () -> Units.parse(other.isEmpty() ? "." : other, 2, "price",
                    "INVALID_TICK"), other).code(), other);
        }
        assertEquals(300_000, Units.parse("3000", 2, "price", "INVALID_TICK"));
        assertEquals(300_000, Units.parse("3000.", 2, "price", "INVALID_TICK"));
        assertEquals(50, Units.parse(".5", 2, "price", "INVALID_TICK"));
        assertEquals(300_000, Units.parse("3e3", 2, "price", "INVALID_TICK"));
        assertEquals("INVALID_AMOUNT", assertThrows(ApiException.class, () -> Units.parse("-1", 2, "price", "INVALID_TICK")).code());
    }

    /**
     * The long fuzz run: a deposit of "539.65173971E6446440393" (the document's pattern takes it) was 400 "must be a
     * decimal string", because BigDecimal refuses an exponent beyond int range. It is out of range, as 1e41 is.
     */
    @Test
    void exponentsBeyondIntRangeAreOutOfRangeNotMalformed() {
        assertEquals("AMOUNT_OVERFLOW", assertThrows(ApiException.class, () -> Units.parse("539.65173971E6446440393", 8, "amount", "INVALID_AMOUNT")).code());
        assertEquals("AMOUNT_OVERFLOW", assertThrows(ApiException.class, () -> Units.parse("-1e+99999999999", 8, "amount", "INVALID_AMOUNT")).code());
        assertEquals("INVALID_LOT", assertThrows(ApiException.class, () -> Units.parse("1E-6446440393", 8, "qty", "INVALID_LOT")).code());
        assertEquals(HttpStatus.UNPROCESSABLE_ENTITY, assertThrows(ApiException.class, () -> Units.parse("1e2147483648", 0, "qty", "INVALID_LOT")).status());
    }
}
