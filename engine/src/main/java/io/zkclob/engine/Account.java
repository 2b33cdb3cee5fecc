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
}
