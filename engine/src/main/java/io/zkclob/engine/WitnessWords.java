package io.zkclob.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The witness's writer (docs/zk.md §Witness, ZKW6): every field is whole 32-bit little-endian words, so that the
 * guest (RISC-V, little-endian, no misaligned loads) reads each with one or two word loads instead of assembling
 * big-endian bytes one by one (about 65,000 cycles of a 100-order block did that). A u8, u16 or u32 is one word, a
 * u64 two (low word first), a tree hash its eight big-endian words (the form the guest hashes with), a string or
 * a byte string its length word then its bytes padded with zeros to a whole word. The witness is not committed to:
 * only the guest reads it, and every root it proves is the same whatever its layout.
 */
final class WitnessWords {
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U32_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private byte[] buf;
    private int len;

    WitnessWords(int capacity) {
        buf = new byte[capacity];
    }

    private void ensure(int n) {
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    WitnessWords u32(int v) {
        ensure(4);
        U32.set(buf, len, v);
        len += 4;
        return this;
    }

    WitnessWords u64(long v) {
        return u32((int) v).u32((int) (v >>> 32));
    }

    /** A 32-byte hash as its eight big-endian words, each stored little-endian. */
    WitnessWords hash(byte[] h) {
        if (h.length != 32) throw new IllegalArgumentException("a hash is 32 bytes, not " + h.length);
        for (int i = 0; i < 32; i += 4) u32((int) U32_BE.get(h, i));
        return this;
    }

    /** A length word, the bytes, zeros to a whole word. */
    WitnessWords bytes(byte[] b) {
        u32(b.length);
        ensure(b.length + 3);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        while (len % 4 != 0) buf[len++] = 0;
        return this;
    }

    /** A symbol (at most 255 bytes of UTF-8, as its canonical encoding allows); null as the empty string. */
    WitnessWords str(String s) {
        byte[] b = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
        return bytes(b.length > 255 ? Arrays.copyOf(b, 255) : b);
    }

    /**
     * A 64-byte canonical order encoding as its sixteen big-endian words, each stored little-endian: the guest
     * hashes those words into the block's command commitment and decodes the fields from them in place.
     */
    WitnessWords orderWords(byte[] enc) {
        if (enc.length != 64) throw new IllegalArgumentException("an order encodes to 64 bytes, not " + enc.length);
        for (int i = 0; i < 64; i += 4) u32((int) U32_BE.get(enc, i));
        return this;
    }

    /** Where the next word goes (for a count patched once its items are written). */
    int position() {
        return len;
    }

    void patchU32(int at, int v) {
        if (at < 0 || at + 4 > len || at % 4 != 0) throw new IndexOutOfBoundsException(at);
        U32.set(buf, at, v);
    }

    byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }
}
