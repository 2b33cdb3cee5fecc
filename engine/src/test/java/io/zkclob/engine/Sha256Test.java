package io.zkclob.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The node hash is a bare SHA-256 compression: checked against the JDK on a one-block message. */
class Sha256Test {
    private static final int[] H0 = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };

    @Test
    void oneCompressionFromTheStandardIvIsSha256OfAOneBlockMessage() {
        byte[] block = new byte[64]; // "abc", 0x80, zeros, bit length 24: the padded one-block message
        block[0] = 'a';
        block[1] = 'b';
        block[2] = 'c';
        block[3] = (byte) 0x80;
        block[63] = 24;
        byte[] left = java.util.Arrays.copyOfRange(block, 0, 32);
        byte[] right = java.util.Arrays.copyOfRange(block, 32, 64);
        assertEquals(Sha256.hex(Sha256.hash("abc".getBytes(StandardCharsets.US_ASCII))),
                Sha256.hex(Sha256.compress(H0, left, right)));
    }

    /** The Rust core pins the same words (zk-guest/core/src/sha.rs NODE_IV). */
    @Test
    void theNodeIvIsTheHashOfItsName() {
        StringBuilder hex = new StringBuilder();
        for (int w : Sha256.nodeIv()) hex.append(String.format("%08x", w));
        assertEquals("1f8a6a3064902c13a66bac9c38eb06084564778631af52e22f55c1960658d9de", hex.toString());
    }
}
