package io.zkclob.engine;

import java.util.List;

/**
 * The Merkle tree over a block's commands or events: RFC 6962 (Certificate Transparency) shape. Leaf
 * {@code SHA-256(0x00 || encoding)}, node {@code SHA-256(0x01 || left || right)}, split at the largest power of
 * two below n, empty list {@code SHA-256("")}.
 */
public final class BlockMerkle {
    private BlockMerkle() {}

    public static byte[] leaf(byte[] encoding) {
        var md = Sha256.digest();
        md.update((byte) 0x00);
        md.update(encoding);
        return md.digest();
    }

    public static byte[] root(List<byte[]> leaves) {
        if (leaves.isEmpty()) return Sha256.hash(new byte[0]);
        return root(leaves, 0, leaves.size());
    }

    private static byte[] root(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 1) return leaves.get(from);
        int k = Integer.highestOneBit(n - 1);
        byte[] left = root(leaves, from, from + k);
        byte[] right = root(leaves, from + k, to);
        var md = Sha256.digest();
        md.update((byte) 0x01);
        md.update(left);
        md.update(right);
        return md.digest();
    }
}
