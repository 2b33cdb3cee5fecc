package io.zkclob.engine;

import java.util.Arrays;

/** Balances of one account by asset slot, and its open orders (an intrusive list, plus client ids). */
final class Account {
    final long accountId;
    long[] available;
    long[] locked;
    int openOrders;
    Order ordersHead;
    LongMap<Order> byClientOrderId;
    boolean dirty;

    Account(long accountId, int slots) {
        this.accountId = accountId;
        this.available = new long[slots];
        this.locked = new long[slots];
    }

    void ensureSlots(int slots) {
        if (available.length < slots) {
            available = Arrays.copyOf(available, slots);
            locked = Arrays.copyOf(locked, slots);
        }
    }

    long available(int slot) {
        return slot < available.length ? available[slot] : 0;
    }

    long locked(int slot) {
        return slot < locked.length ? locked[slot] : 0;
    }

    void link(Order o) {
        o.account = this;
        o.acctPrev = null;
        o.acctNext = ordersHead;
        if (ordersHead != null) ordersHead.acctPrev = o;
        ordersHead = o;
        openOrders++;
        if (o.clientOrderId != 0) {
            if (byClientOrderId == null) byClientOrderId = new LongMap<>();
            byClientOrderId.put(o.clientOrderId, o);
        }
    }

    void unlink(Order o) {
        if (o.acctPrev == null) ordersHead = o.acctNext; else o.acctPrev.acctNext = o.acctNext;
        if (o.acctNext != null) o.acctNext.acctPrev = o.acctPrev;
        o.acctPrev = o.acctNext = null;
        openOrders--;
        if (o.clientOrderId != 0) byClientOrderId.remove(o.clientOrderId);
    }

    Order openByClientOrderId(long clientOrderId) {
        return byClientOrderId == null ? null : byClientOrderId.get(clientOrderId);
    }

    /** How many accepted client order ids an account remembers (docs/engine-spec.md §3.3). */
    static final int RECENT_CLIENT_ORDER_IDS = 64;
    /**
     * The recent client order ids and their orders: a ring, {@code recentCount} entries from {@code recentHead}
     * (the oldest). Allocated at the first id and grown by doubling up to 64 (1 KiB), so that a million accounts
     * that send a few ids each do not cost a GiB; the head moves only once the ring is full, so growing is a copy.
     */
    long[] recentClientIds;
    long[] recentOrderIds;
    int recentHead;
    int recentCount;

    /** An accepted order's client order id; the 65th evicts the oldest. */
    void remember(long clientOrderId, long orderId) {
        if (recentClientIds == null) {
            recentClientIds = new long[4];
            recentOrderIds = new long[4];
        } else if (recentCount == recentClientIds.length && recentCount < RECENT_CLIENT_ORDER_IDS) {
            recentClientIds = Arrays.copyOf(recentClientIds, recentCount * 2);
            recentOrderIds = Arrays.copyOf(recentOrderIds, recentCount * 2);
        }
        int at;
        if (recentCount == RECENT_CLIENT_ORDER_IDS) {
            at = recentHead;
            recentHead = (recentHead + 1) % RECENT_CLIENT_ORDER_IDS;
        } else {
            at = recentCount++; // not full: the head is still 0
        }
        recentClientIds[at] = clientOrderId;
        recentOrderIds[at] = orderId;
    }

    /** The i-th recent entry, oldest first (0 <= i < recentCount). */
    int recentSlot(int i) {
        return (recentHead + i) % recentClientIds.length;
    }

    /**
     * The order that already carries {@code clientOrderId} (open, or among the recent ids), or 0 when none does
     * (an accepted order's id is its seq, never 0: the market it names was added by an earlier command).
     * A linear scan of at most 64: cheaper than a map at this size, and the same in the guest.
     */
    long priorOrderId(long clientOrderId) {
        Order open = openByClientOrderId(clientOrderId);
        if (open != null) return open.orderId;
        for (int i = 0; i < recentCount; i++) {
            int k = recentSlot(i);
            if (recentClientIds[k] == clientOrderId) return recentOrderIds[k];
        }
        return 0;
    }
}
