package io.zkclob.contracts.json;

/**
 * The plain form of a JSON string that the fast readers accept: printable ASCII without escapes. Anything else
 * (an escape, a control character, non-ASCII) sends the reader back to Jackson, which then decides; so the fast
 * paths never have to decode a string, and they agree on what "plain" means because it is written once.
 */
public final class PlainJsonString {
    private PlainJsonString() {}

    /**
     * The index of the closing quote of the string whose contents begin at {@code start} (just past the opening
     * quote), or -1 when a character is outside the plain form or the text ends first.
     */
    public static int end(CharSequence text, int start) {
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') return i;
            if (c < 0x20 || c > 0x7e || c == '\\') return -1;
        }
        return -1;
    }

    /**
     * The same over UTF-8 bytes: the index of the closing quote, or -1. Every byte of a non-ASCII character is 0x80
     * or above, so the plain form is the same test byte by byte.
     */
    public static int end(byte[] utf8, int start) {
        for (int i = start; i < utf8.length; i++) {
            int c = utf8[i] & 0xff;
            if (c == '"') return i;
            if (c < 0x20 || c > 0x7e || c == '\\') return -1;
        }
        return -1;
    }
}
