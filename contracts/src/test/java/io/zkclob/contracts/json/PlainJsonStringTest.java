package io.zkclob.contracts.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Where a plain string ends, and every way out of the plain form (the fast readers then fall back to Jackson). */
class PlainJsonStringTest {
    @Test
    void findsTheClosingQuote() {
        assertEquals(8, PlainJsonString.end("\"BTC-USD\",", 1));
        assertEquals(1, PlainJsonString.end("\"\"", 1), "the empty string");
        assertEquals(4, PlainJsonString.end("x\"a~\"", 2), "from the given start; '~' (0x7e) is plain");
    }

    @Test
    void leavesThePlainFormOnEscapesControlCharactersAndNonAscii() {
        assertEquals(-1, PlainJsonString.end("\"a\\\"b\"", 1), "an escape");
        assertEquals(-1, PlainJsonString.end("\"a\tb\"", 1), "a control character");
        assertEquals(-1, PlainJsonString.end("\"a\u007fb\"", 1), "DEL");
        assertEquals(-1, PlainJsonString.end("\"caf\u00e9\"", 1), "non-ASCII");
        assertEquals(-1, PlainJsonString.end("\"unterminated", 1), "the text ends first");
        assertEquals(-1, PlainJsonString.end("\"", 1), "nothing after the quote");
    }

    @Test
    void theBytesOfTheSameTextsEndWhereTheTextsDo() {
        for (String text : new String[] {"\"BTC-USD\",", "\"\"", "\"a\\\"b\"", "\"a\tb\"", "\"a\u007fb\"", "\"caf\u00e9\"",
                "\"\u20ac\"", "\"\ud83d\ude00\"", "\"unterminated", "\""}) {
            assertEquals(PlainJsonString.end(text, 1), PlainJsonString.end(text.getBytes(StandardCharsets.UTF_8), 1), text);
        }
    }
}
