package io.zkclob.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Big-endian canonical encoder: u8, u16, u32, u64 (two's complement for Java's signed types), short strings. */
public final class Enc {
    private byte[] buf;
    private int len;

    public Enc(int capacity) {
        buf = new byte[capacity];
    }

    public Enc() {
        this(128);
    }

    private void ensure(int n) {
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    public Enc u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    public Enc u16(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    public Enc u32(int v) {
        ensure(4);
        for (int s = 24; s >= 0; s -= 8) buf[len++] = (byte) (v >>> s);
        return this;
    }

    public Enc u64(long v) {
        ensure(8);
        for (int s = 56; s >= 0; s -= 8) buf[len++] = (byte) (v >>> s);
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
