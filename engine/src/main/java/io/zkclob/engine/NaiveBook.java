package io.zkclob.engine;

import io.zkclob.contracts.Side;
import java.util.ArrayList;
import java.util.List;

/** The reference book: two lists kept sorted by priority. Obviously right, linear per operation. */
public final class NaiveBook implements OrderBook {
    private final List<Order> bids = new ArrayList<>();
    private final List<Order> asks = new ArrayList<>();

    private List<Order> side(Side s) {
        return s == Side.BUY ? bids : asks;
    }

    /** Negative when a has better priority than b. */
    private static int priority(Order a, Order b) {
        if (a.priceTicks != b.priceTicks) {
            return a.side == Side.BUY ? Long.compare(b.priceTicks, a.priceTicks) : Long.compare(a.priceTicks, b.priceTicks);
        }
        return Long.compare(a.orderId, b.orderId);
    }

    @Override
    public void add(Order order) {
        List<Order> list = side(order.side);
        int i = 0;
        while (i < list.size() && priority(list.get(i), order) < 0) i++;
        list.add(i, order);
    }

    @Override
    public void remove(Order order) {
        if (!side(order.side).remove(order)) throw new IllegalStateException("order not in book: " + order.orderId);
    }

    @Override
    public void reduce(Order order, long lots) {
        // remainingLots is updated by the caller; the naive book keeps no aggregates.
    }

    @Override
    public Order best(Side s) {
        List<Order> list = side(s);
        return list.isEmpty() ? null : list.get(0);
    }

    @Override
    public void visitLevel(Side s, long priceTicks, Visitor visitor) {
        for (Order o : side(s)) {
            if (o.priceTicks == priceTicks && !visitor.visit(o)) return;
        }
    }

    @Override
    public void visit(Side s, Visitor visitor) {
        for (Order o : side(s)) {
            if (!visitor.visit(o)) return;
        }
    }

    @Override
    public long[][] depth(Side s, int maxLevels) {
        List<long[]> out = new ArrayList<>();
        for (Order o : side(s)) {
            if (!out.isEmpty() && out.get(out.size() - 1)[0] == o.priceTicks) {
                out.get(out.size() - 1)[1] += o.remainingLots;
            } else {
                if (out.size() == maxLevels) break;
                out.add(new long[] {o.priceTicks, o.remainingLots});
            }
        }
        return out.toArray(new long[0][]);
    }

    @Override
    public int size() {
        return bids.size() + asks.size();
    }
}
