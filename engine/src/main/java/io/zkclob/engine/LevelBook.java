package io.zkclob.engine;

import io.zkclob.contracts.Side;
import java.util.Arrays;

/**
 * The fast book. Each side is an array of price levels sorted so that the best level is at the end (removing
 * the best level, the common case, shifts nothing); each level is an intrusive FIFO of orders. Adding finds the
 * level by binary search; removing an order is O(1) plus an array shift when its level empties.
 */
public final class LevelBook implements OrderBook {
    static final class Level {
        final long priceTicks;
        long totalLots;
        Order head;
        Order tail;

        Level(long priceTicks) {
            this.priceTicks = priceTicks;
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
        Levels l = side(s);
        int i = l.find(priceTicks);
        if (i < 0) return;
        for (Order o = l.levels[i].head; o != null; o = o.next) {
            if (!visitor.visit(o)) return;
        }
    }

    @Override
    public void reduce(Order order, long lots) {
        order.level.totalLots -= lots;
    }

    @Override
    public Order best(Side s) {
        Levels l = side(s);
        return l.count == 0 ? null : l.levels[l.count - 1].head;
    }

    @Override
    public void visit(Side s, Visitor visitor) {
        Levels l = side(s);
        for (int i = l.count - 1; i >= 0; i--) {
            for (Order o = l.levels[i].head; o != null; o = o.next) {
                if (!visitor.visit(o)) return;
            }
        }
    }

    @Override
    public long[][] depth(Side s, int maxLevels) {
        Levels l = side(s);
        int n = Math.min(maxLevels, l.count);
        long[][] out = new long[n][];
        for (int i = 0; i < n; i++) {
            Level level = l.levels[l.count - 1 - i];
            out[i] = new long[] {level.priceTicks, level.totalLots};
        }
        return out;
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * Levels of one side, best at the end: bids ascending by price, asks descending. The search runs over a
     * parallel array of keys (the price for bids, its negation for asks, so ascending on both sides) rather than
     * through the Level objects: one cache line holds eight keys, where each Level read was a miss of its own.
     */
    private static final class Levels {
        private final boolean bids;
        Level[] levels = new Level[64];
        long[] keys = new long[64];
        int count;

        Levels(boolean bids) {
            this.bids = bids;
        }

        private long key(long price) {
            return bids ? price : -price;
        }

        /** Index of the level at {@code price}, or (-insertionPoint - 1). */
        private int find(long price) {
            long key = key(price);
            int lo = 0;
            int hi = count - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long k = keys[mid];
                if (k < key) lo = mid + 1;
                else if (k > key) hi = mid - 1;
                else return mid;
            }
            return -lo - 1;
        }

        Level getOrCreate(long price) {
            // Most adds land at or near the best price: check the end first.
            if (count > 0 && levels[count - 1].priceTicks == price) return levels[count - 1];
            int i = find(price);
            if (i >= 0) return levels[i];
            int at = -i - 1;
            if (count == levels.length) {
                levels = Arrays.copyOf(levels, count * 2);
                keys = Arrays.copyOf(keys, count * 2);
            }
            System.arraycopy(levels, at, levels, at + 1, count - at);
            System.arraycopy(keys, at, keys, at + 1, count - at);
            Level level = new Level(price);
            levels[at] = level;
            keys[at] = key(price);
            count++;
            return level;
        }

        void removeLevel(Level level) {
            int i = count > 0 && levels[count - 1] == level ? count - 1 : find(level.priceTicks);
            if (i < 0 || levels[i] != level) throw new IllegalStateException("level not found: " + level.priceTicks);
            System.arraycopy(levels, i + 1, levels, i, count - i - 1);
            System.arraycopy(keys, i + 1, keys, i, count - i - 1);
            levels[--count] = null;
        }
    }
}
