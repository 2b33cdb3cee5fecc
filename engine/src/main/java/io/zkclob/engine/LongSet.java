package io.zkclob.engine;

import java.util.Arrays;

/**
 * Open-addressing set of longs, for the levels a block changed: one store per add and no value array (a
 * {@code LongMap<Boolean>} wrote a reference, and its card mark, for every touch of a level), emptied at once
 * when the levels are rehashed. Iteration order is arbitrary; {@link #keysSorted()} is what gets hashed.
 */
final class LongSet {
    private static final long EMPTY = LongMap.EMPTY;
    private long[] keys;
    private int size;
    private int mask;

    LongSet(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, EMPTY);
        mask = cap - 1;
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    void add(long key) {
        if (key == EMPTY) throw new IllegalArgumentException("reserved key");
        int i = mix(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) return;
            if (k == EMPTY) {
                keys[i] = key;
                if (++size * 2 > keys.length) grow();
                return;
            }
            i = (i + 1) & mask;
        }
    }

    int size() {
        return size;
    }

    long[] keysSorted() {
        return LongMap.keysSorted(keys, size);
    }

    /** Empties the set and keeps its capacity: the next block touches about as many levels. */
    void clear() {
        if (size == 0) return;
        Arrays.fill(keys, EMPTY);
        size = 0;
    }

    private void grow() {
        long[] old = keys;
        keys = new long[old.length * 2];
        Arrays.fill(keys, EMPTY);
        mask = keys.length - 1;
        size = 0;
        for (long k : old) {
            if (k != EMPTY) add(k);
        }
    }
}
