package io.zkclob.engine;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers; the zk guest uses SP1's SHA-256 precompile for the same function. */
public final class Sha256 {
    public static final byte[] ZERO = new byte[32];

    private Sha256() {}

    /** One digest per thread, reset on each use: getInstance costs more than hashing a command. */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships SHA-256", e);
        }
    });

    public static MessageDigest digest() {
        MessageDigest md = DIGEST.get();
        md.reset();
        return md;
    }

    public static byte[] hash(byte[] data) {
        return digest().digest(data);
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
