package io.zkclob.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Big-endian canonical encoder: u8, u16, u32, u64 (two's complement for Java's signed types), short strings. */
public final class Enc {
    /** One big-endian store per field instead of a loop of byte stores: the block commitments encode every item. */
    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private byte[] buf;
    private int len;

    public Enc(int capacity) {
        buf = new byte[capacity];
    }

    public Enc() {
        this(128);
    }

    private void ensure(int n) {
        if (len + n > buf.length) grow(n);
    }

    /** Out of line, so that the check above inlines into every field write. */
    private void grow(int n) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    public Enc u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    public Enc u16(int v) {
        ensure(2);
        U16.set(buf, len, (short) v);
        len += 2;
        return this;
    }

    public Enc u32(int v) {
        ensure(4);
        U32.set(buf, len, v);
        len += 4;
        return this;
    }

    public Enc u64(long v) {
        ensure(8);
        U64.set(buf, len, v);
        len += 8;
        return this;
    }

    /** u8 length then the bytes; a null string encodes as length 0 (only valid symbols are ever stored). */
    public Enc str(String s) {
        byte[] b = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 255) b = Arrays.copyOf(b, 255);
        u8(b.length);
        return bytes(b);
    }

    public Enc bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    public int length() {
        return len;
    }

    public byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    /** The backing array, valid to {@link #length()}: a growth replaces it, a write changes it past length. */
    byte[] array() {
        return buf;
    }

    byte[] copyOfRange(int from, int to) {
        if (from < 0 || from > to || to > len) throw new IndexOutOfBoundsException(from + ".." + to);
        return Arrays.copyOfRange(buf, from, to);
    }

    /** Overwrites 4 bytes written earlier (a count known only after its items). */
    public Enc patchU32(int at, int v) {
        if (at < 0 || at + 4 > len) throw new IndexOutOfBoundsException(at);
        for (int i = 0; i < 4; i++) buf[at + i] = (byte) (v >>> (24 - 8 * i));
        return this;
    }

    /** Forgets the content, keeps the buffer (one encoder serves every block). */
    public Enc clear() {
        len = 0;
        return this;
    }

    public byte[] sha256() {
        var md = Sha256.digest();
        md.update(buf, 0, len);
        return md.digest();
    }
}
