package io.zkclob.engine;

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
        byte[] h = levels[height].get(index);
        return h == null ? Sha256.ZERO : h;
    }

    public byte[] root() {
        return nodeAt(depth, 0);
    }

    /** Sets (or, with the zero hash, clears) one leaf and rehashes its path: depth hashes. */
    public void put(long key, byte[] leafHash) {
        if (depth < 64 && (key >>> depth) != 0) throw new IllegalArgumentException("key out of range: " + key);
        set(0, key, leafHash);
        for (int h = 0; h < depth; h++) {
            long idx = index(key, h);
            byte[] self = nodeAt(h, idx);
            byte[] sibling = nodeAt(h, idx ^ 1);
            byte[] parent = (idx & 1) == 0 ? node(self, sibling) : node(sibling, self);
            set(h + 1, index(key, h + 1), parent);
        }
    }

    /**
     * Sets many leaves (keys ascending, distinct), then rehashes each changed inner node once, level by level:
     * keys that share upper paths (nearby prices, dense account ids) share the work.
     */
    public void putMany(long[] keys, byte[][] leaves) {
        int n = keys.length;
        long[] idx = keys.clone();
        for (int j = 0; j < n; j++) {
            if (depth < 64 && (keys[j] >>> depth) != 0) throw new IllegalArgumentException("key out of range: " + keys[j]);
            if (j > 0 && Long.compareUnsigned(keys[j - 1], keys[j]) >= 0) throw new IllegalArgumentException("keys not ascending");
            set(0, keys[j], leaves[j]);
        }
        for (int h = 0; h < depth && n > 0; h++) {
            int m = 0;
            for (int j = 0; j < n; j++) {
                long parent = idx[j] >>> 1;
                if (m > 0 && idx[m - 1] == parent) continue;
                idx[m++] = parent;
            }
            for (int j = 0; j < m; j++) {
                long p = idx[j];
                set(h + 1, p, node(nodeAt(h, p << 1), nodeAt(h, (p << 1) | 1)));
            }
            n = m;
        }
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
