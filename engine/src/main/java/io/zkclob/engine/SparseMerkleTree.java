package io.zkclob.engine;

import java.util.Arrays;

/**
 * A sparse binary Merkle tree over {@code depth}-bit keys (docs/engine-spec.md §State root). An empty subtree
 * hashes to 32 zero bytes at every height, and a node whose children are both empty is itself empty, so the
 * tree stores only the paths of present leaves and its root depends on the set of leaves alone, never on the
 * order they arrived in. A proof for one key is its {@code depth} sibling hashes.
 */
public final class SparseMerkleTree {
    private final int depth;
    /** levels[h] maps a node's index at height h (key >>> h) to its hash; absent means empty. */
    private final LongMap<byte[]>[] levels;

    @SuppressWarnings("unchecked")
    public SparseMerkleTree(int depth) {
        if (depth < 1 || depth > 64) throw new IllegalArgumentException("depth " + depth);
        this.depth = depth;
        this.levels = new LongMap[depth + 1];
        for (int h = 0; h <= depth; h++) levels[h] = new LongMap<>();
    }

    public int depth() {
        return depth;
    }

    static long index(long key, int height) {
        return height >= 64 ? 0 : key >>> height;
    }

    public static byte[] node(byte[] left, byte[] right) {
        if (Sha256.isZero(left) && Sha256.isZero(right)) return Sha256.ZERO;
        return Sha256.node(left, right);
    }

    public byte[] leaf(long key) {
        return levels[0].get(key);
    }

    public byte[] nodeAt(int height, long index) {
        if (height > 0) flush();
        byte[] h = levels[height].get(index);
        return h == null ? Sha256.ZERO : h;
    }

    public byte[] root() {
        return nodeAt(depth, 0);
    }

    /**
     * Sets (or, with the zero hash, clears) one leaf. Its path is rehashed at the next read of an inner node (a
     * root, a proof), together with every other leaf set since: a block's deposits share their upper paths, where
     * rehashing each path at once cost {@code depth} compressions per deposit.
     */
    public void put(long key, byte[] leafHash) {
        if (depth < 64 && (key >>> depth) != 0) throw new IllegalArgumentException("key out of range: " + key);
        set(0, key, leafHash);
        if (pendingCount == pending.length) pending = Arrays.copyOf(pending, pendingCount * 2);
        pending[pendingCount++] = key;
    }

    /** Sets many leaves; their paths are rehashed with the other pending ones, each changed node once. */
    public void putMany(long[] keys, byte[][] leaves) {
        for (int j = 0; j < keys.length; j++) put(keys[j], leaves[j]);
    }

    /** Leaves set since the last rehash (bounded by what one block changes: roots are read at every seal). */
    private long[] pending = new long[16];
    private int pendingCount;

    /**
     * Rehashes the paths of the pending leaves level by level, each changed inner node once: keys that share
     * upper paths (nearby prices, dense account ids, a block's deposits) share the work.
     */
    private void flush() {
        int n = pendingCount;
        if (n == 0) return;
        pendingCount = 0;
        // Ascending in unsigned order (the sign bit flipped for the sort), so parents stay sorted as well.
        long[] idx = new long[n];
        for (int j = 0; j < n; j++) idx[j] = pending[j] ^ Long.MIN_VALUE;
        Arrays.sort(idx);
        for (int j = 0; j < n; j++) idx[j] ^= Long.MIN_VALUE;
        for (int h = 0; h < depth && n > 0; h++) {
            int m = 0;
            for (int j = 0; j < n; j++) {
                long parent = idx[j] >>> 1;
                if (m > 0 && idx[m - 1] == parent) continue;
                idx[m++] = parent;
            }
            for (int j = 0; j < m; j++) {
                long p = idx[j];
                set(h + 1, p, node(node(h, p << 1), node(h, (p << 1) | 1)));
            }
            n = m;
        }
    }

    private byte[] node(int height, long index) {
        byte[] h = levels[height].get(index);
        return h == null ? Sha256.ZERO : h;
    }

    /** Present leaf keys in ascending order (for snapshots and witnesses). */
    public long[] leafKeysSorted() {
        return levels[0].keysSorted();
    }


    private void set(int height, long index, byte[] hash) {
        if (Sha256.isZero(hash)) {
            levels[height].remove(index);
        } else {
            levels[height].put(index, hash);
        }
    }
}
