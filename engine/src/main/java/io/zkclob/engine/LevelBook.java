package io.zkclob.engine;

import io.zkclob.contracts.Side;
import java.util.Arrays;

/**
 * The fast book. Each side is a ladder of price levels in chunks of 64 consecutive prices, each chunk an array
 * of its levels and a 64-bit word saying which are present; the chunks are kept sorted so that the best is at
 * the end. Each level is an intrusive FIFO of orders. Finding a level is a search over the chunks (a handful in
 * a book of a few hundred levels) and one array slot; adding or removing a level sets or clears one bit, and
 * the best level of a chunk is one leading-zero count. Adding and removing an order is O(1) besides.
 */
public final class LevelBook implements OrderBook {
    static final class Level {
        final long priceTicks;
        long totalLots;
        Order head;
        Order tail;
        /** The chunk that holds this level: removing the level clears its bit without a search. */
        Chunk chunk;

        Level(long priceTicks) {
            this.priceTicks = priceTicks;
        }
    }

    /** 64 consecutive keys of one side: {@code levels[b]} is present exactly when bit b of {@code present} is set. */
    static final class Chunk {
        final long chunkKey;
        final Level[] levels = new Level[64];
        long present;

        Chunk(long chunkKey) {
            this.chunkKey = chunkKey;
        }

        /** The level with the largest key in this chunk (the best), or null when empty. */
        Level top() {
            return present == 0 ? null : levels[63 - Long.numberOfLeadingZeros(present)];
        }
    }

    private final Levels bids = new Levels(true);
    private final Levels asks = new Levels(false);
    private int size;

    private Levels side(Side s) {
        return s == Side.BUY ? bids : asks;
    }

    @Override
    public void add(Order order) {
        Level level = side(order.side).getOrCreate(order.priceTicks);
        order.level = level;
        order.next = null;
        order.prev = level.tail;
        if (level.tail == null) level.head = order; else level.tail.next = order;
        level.tail = order;
        level.totalLots += order.remainingLots;
        size++;
    }

    @Override
    public void remove(Order order) {
        Level level = order.level;
        if (order.prev == null) level.head = order.next; else order.prev.next = order.next;
        if (order.next == null) level.tail = order.prev; else order.next.prev = order.prev;
        level.totalLots -= order.remainingLots;
        order.prev = order.next = null;
        order.level = null;
        size--;
        if (level.head == null) side(order.side).removeLevel(level);
    }

    @Override
    public void visitLevel(Side s, long priceTicks, Visitor visitor) {
        Level level = side(s).find(priceTicks);
        if (level == null) return;
        for (Order o = level.head; o != null; o = o.next) {
            if (!visitor.visit(o)) return;
        }
    }

    @Override
    public void reduce(Order order, long lots) {
        order.level.totalLots -= lots;
    }

    @Override
    public Order best(Side s) {
        Level best = side(s).best;
        return best == null ? null : best.head;
    }

    @Override
    public void visit(Side s, Visitor visitor) {
        Levels l = side(s);
        for (int c = l.chunkCount - 1; c >= 0; c--) {
            Chunk chunk = l.chunks[c];
            for (long bits = chunk.present; bits != 0; ) {
                int b = 63 - Long.numberOfLeadingZeros(bits);
                bits &= ~(1L << b);
                for (Order o = chunk.levels[b].head; o != null; o = o.next) {
                    if (!visitor.visit(o)) return;
                }
            }
        }
    }

    @Override
    public long[][] depth(Side s, int maxLevels) {
        Levels l = side(s);
        long[][] out = new long[Math.min(maxLevels, l.count)][];
        int n = 0;
        for (int c = l.chunkCount - 1; c >= 0 && n < out.length; c--) {
            Chunk chunk = l.chunks[c];
            for (long bits = chunk.present; bits != 0 && n < out.length; ) {
                int b = 63 - Long.numberOfLeadingZeros(bits);
                bits &= ~(1L << b);
                Level level = chunk.levels[b];
                out[n++] = new long[] {level.priceTicks, level.totalLots};
            }
        }
        return out;
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * Levels of one side by key: the price for bids, its complement for asks, so that on both sides the best
     * level has the largest key. Bit b of chunk k holds key {@code k * 64 + b}. A sorted array of levels, as
     * before, paid a binary search for every level added or removed (a branch miss at most of its nine probes
     * over 375 levels) and shifted on average half the array when a level came or went, which in a book of
     * about one order a level is nearly every add and every cancel.
     */
    private static final class Levels {
        private final boolean bids;
        /** Non-empty chunks ascending by chunk key; the best at the end. */
        Chunk[] chunks = new Chunk[8];
        long[] chunkKeys = new long[8];
        int chunkCount;
        /** Levels present, and the best of them (null when none), kept as levels come and go. */
        int count;
        Level best;

        Levels(boolean bids) {
            this.bids = bids;
        }

        private long key(long price) {
            return bids ? price : ~price;
        }

        /** Index of the chunk with {@code chunkKey}, or (-insertionPoint - 1); the best chunk is tried first. */
        private int findChunk(long chunkKey) {
            int hi = chunkCount - 1;
            if (hi >= 0 && chunkKeys[hi] == chunkKey) return hi;
            int lo = 0;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long k = chunkKeys[mid];
                if (k < chunkKey) lo = mid + 1;
                else if (k > chunkKey) hi = mid - 1;
                else return mid;
            }
            return -lo - 1;
        }

        Level find(long price) {
            long key = key(price);
            int c = findChunk(key >> 6);
            return c < 0 ? null : chunks[c].levels[(int) key & 63];
        }

        Level getOrCreate(long price) {
            // Most adds land at or near the best price: check it first.
            if (best != null && best.priceTicks == price) return best;
            long key = key(price);
            int c = findChunk(key >> 6);
            Chunk chunk;
            if (c >= 0) {
                chunk = chunks[c];
                Level level = chunk.levels[(int) key & 63];
                if (level != null) return level;
            } else {
                chunk = insertChunk(-c - 1, key >> 6);
            }
            Level level = new Level(price);
            int b = (int) key & 63;
            chunk.levels[b] = level;
            chunk.present |= 1L << b;
            level.chunk = chunk;
            count++;
            if (best == null || key > key(best.priceTicks)) best = level;
            return level;
        }

        private Chunk insertChunk(int at, long chunkKey) {
            if (chunkCount == chunks.length) {
                chunks = Arrays.copyOf(chunks, chunkCount * 2);
                chunkKeys = Arrays.copyOf(chunkKeys, chunkCount * 2);
            }
            System.arraycopy(chunks, at, chunks, at + 1, chunkCount - at);
            System.arraycopy(chunkKeys, at, chunkKeys, at + 1, chunkCount - at);
            Chunk chunk = new Chunk(chunkKey);
            chunks[at] = chunk;
            chunkKeys[at] = chunkKey;
            chunkCount++;
            return chunk;
        }

        void removeLevel(Level level) {
            Chunk chunk = level.chunk;
            int b = (int) key(level.priceTicks) & 63;
            if (chunk == null || chunk.levels[b] != level) throw new IllegalStateException("level not found: " + level.priceTicks);
            chunk.levels[b] = null;
            chunk.present &= ~(1L << b);
            level.chunk = null;
            count--;
            if (chunk.present == 0) {
                int c = findChunk(chunk.chunkKey);
                if (c < 0 || chunks[c] != chunk) throw new IllegalStateException("chunk not found: " + chunk.chunkKey);
                System.arraycopy(chunks, c + 1, chunks, c, chunkCount - c - 1);
                System.arraycopy(chunkKeys, c + 1, chunkKeys, c, chunkCount - c - 1);
                chunks[--chunkCount] = null;
            }
            if (level == best) best = chunkCount == 0 ? null : chunks[chunkCount - 1].top();
        }
    }
}
