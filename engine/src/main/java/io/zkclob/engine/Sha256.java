package io.zkclob.engine;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers; the zk guest uses SP1's SHA-256 precompile for the same function. */
public final class Sha256 {
    public static final byte[] ZERO = new byte[32];

    private Sha256() {}

    /** One digest per thread, reset on each use: getInstance costs more than hashing a command. */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::newDigest);

    /** A digest of its own, for a caller that keeps one (a block's commitment stream). */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships SHA-256", e);
        }
    }

    public static MessageDigest digest() {
        MessageDigest md = DIGEST.get();
        md.reset();
        return md;
    }

    public static byte[] hash(byte[] data) {
        return digest().digest(data);
    }

    private static final int[] K = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };

    /** The tree-node IV: SHA-256("zkclob/smt-node") as eight big-endian words (docs/engine-spec.md §6). */
    private static final int[] NODE_IV = words(hash("zkclob/smt-node".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));

    static int[] nodeIv() {
        return NODE_IV.clone();
    }

    static int[] words(byte[] h) {
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) w[i] = (h[4 * i] & 0xff) << 24 | (h[4 * i + 1] & 0xff) << 16 | (h[4 * i + 2] & 0xff) << 8 | (h[4 * i + 3] & 0xff);
        return w;
    }

    /**
     * A tree node: one SHA-256 compression of the 64-byte block {@code left ‖ right} from {@link #NODE_IV}, no
     * padding (FIPS 180-4 §6.2.2, one block). Half the work of SHA-256 over 65 bytes, which is what a proof
     * pays for every node; the separate IV keeps nodes apart from every padded SHA-256 (leaves).
     */
    public static byte[] node(byte[] left, byte[] right) {
        return compress(NODE_IV, left, right);
    }

    /** One SHA-256 compression of the block {@code first ‖ second} (32 bytes each) from {@code iv}. */
    static byte[] compress(int[] iv, byte[] left, byte[] right) {
        int[] w = new int[64];
        for (int i = 0; i < 8; i++) {
            int j = 4 * i;
            w[i] = (left[j] & 0xff) << 24 | (left[j + 1] & 0xff) << 16 | (left[j + 2] & 0xff) << 8 | (left[j + 3] & 0xff);
            w[i + 8] = (right[j] & 0xff) << 24 | (right[j + 1] & 0xff) << 16 | (right[j + 2] & 0xff) << 8 | (right[j + 3] & 0xff);
        }
        for (int t = 16; t < 64; t++) {
            int s0 = Integer.rotateRight(w[t - 15], 7) ^ Integer.rotateRight(w[t - 15], 18) ^ (w[t - 15] >>> 3);
            int s1 = Integer.rotateRight(w[t - 2], 17) ^ Integer.rotateRight(w[t - 2], 19) ^ (w[t - 2] >>> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        int a = iv[0], b = iv[1], c = iv[2], d = iv[3];
        int e = iv[4], f = iv[5], g = iv[6], h = iv[7];
        for (int t = 0; t < 64; t++) {
            int t1 = h + (Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25))
                    + ((e & f) ^ (~e & g)) + K[t] + w[t];
            int t2 = (Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22))
                    + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        int[] out = {iv[0] + a, iv[1] + b, iv[2] + c, iv[3] + d, iv[4] + e, iv[5] + f, iv[6] + g, iv[7] + h};
        byte[] r = new byte[32];
        for (int i = 0; i < 8; i++) {
            r[4 * i] = (byte) (out[i] >>> 24);
            r[4 * i + 1] = (byte) (out[i] >>> 16);
            r[4 * i + 2] = (byte) (out[i] >>> 8);
            r[4 * i + 3] = (byte) out[i];
        }
        return r;
    }

    public static boolean isZero(byte[] h) {
        for (byte b : h) {
            if (b != 0) return false;
        }
        return true;
    }

    public static String hex(byte[] h) {
        return HexFormat.of().formatHex(h);
    }
}
