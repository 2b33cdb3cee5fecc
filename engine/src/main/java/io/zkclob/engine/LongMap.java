package io.zkclob.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Open-addressing long-keyed map without boxing, for the hot path (orders and accounts by id). Its iteration
 * order is arbitrary, so nothing hashed or emitted may depend on it: {@link #valuesSortedByKey()} exists for
 * that.
 */
public final class LongMap<V> {
    static final long EMPTY = Long.MIN_VALUE;
    private long[] keys;
    private Object[] values;
    private int size;
    private int mask;

    public LongMap() {
        this(16);
    }

    public LongMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, EMPTY);
        values = new Object[cap];
        mask = cap - 1;
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    @SuppressWarnings("unchecked")
    public V get(long key) {
        int i = mix(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) return (V) values[i];
            if (k == EMPTY) return null;
            i = (i + 1) & mask;
        }
    }

    public void put(long key, V value) {
        if (key == EMPTY) throw new IllegalArgumentException("reserved key");
        int i = mix(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                values[i] = value;
                return;
            }
            if (k == EMPTY) {
                keys[i] = key;
                values[i] = value;
                if (++size * 2 > keys.length) grow();
                return;
            }
            i = (i + 1) & mask;
        }
    }

    @SuppressWarnings("unchecked")
    public V remove(long key) {
        int i = mix(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == EMPTY) return null;
            if (k == key) break;
            i = (i + 1) & mask;
        }
        V old = (V) values[i];
        // Backward-shift deletion keeps probe chains intact without tombstones.
        int gap = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            long k = keys[j];
            if (k == EMPTY) break;
            int home = mix(k) & mask;
            boolean movable = gap <= j ? (home <= gap || home > j) : (home <= gap && home > j);
            if (movable) {
                keys[gap] = k;
                values[gap] = values[j];
                gap = j;
            }
        }
        keys[gap] = EMPTY;
        values[gap] = null;
        size--;
        return old;
    }

    public int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        values = new Object[keys.length];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                @SuppressWarnings("unchecked") V v = (V) oldValues[i];
                put(oldKeys[i], v);
            }
        }
    }

    public long[] keysSorted() {
        return keysSorted(keys, size);
    }

    /** The {@code size} keys of an open-addressing table whose free slots hold {@link #EMPTY}, ascending (LongSet's too). */
    static long[] keysSorted(long[] table, int size) {
        long[] out = new long[size];
        int n = 0;
        for (long k : table) {
            if (k != EMPTY) out[n++] = k;
        }
        Arrays.sort(out);
        return out;
    }

    public List<V> valuesSortedByKey() {
        List<V> out = new ArrayList<>(size);
        for (long k : keysSorted()) out.add(get(k));
        return out;
    }
}
