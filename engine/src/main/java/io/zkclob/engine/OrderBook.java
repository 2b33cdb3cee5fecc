package io.zkclob.engine;

import io.zkclob.contracts.Side;

/**
 * One market's resting orders in price-time priority (price, then orderId). Two implementations exist: a
 * naive reference ({@link NaiveBook}) and the fast one ({@link LevelBook}); one abstract test suite and a
 * differential test hold them to the same behaviour. Matching itself lives in {@link Exchange}.
 */
public interface OrderBook {
    void add(Order order);

    void remove(Order order);

    /** A partial fill of a resting order: {@code lots} leave it (it stays in place). */
    void reduce(Order order, long lots);

    /** The order with the best priority on {@code side}, or null. */
    Order best(Side side);

    /** Visits {@code side} in priority order until the visitor returns false. */
    void visit(Side side, Visitor visitor);

    /** Visits the orders resting at one price on {@code side}, in time priority, until the visitor returns false. */
    void visitLevel(Side side, long priceTicks, Visitor visitor);

    /** Aggregated levels, best first, at most {@code maxLevels}: pairs of (priceTicks, lots). */
    long[][] depth(Side side, int maxLevels);

    int size();

    @FunctionalInterface
    interface Visitor {
        boolean visit(Order order);
    }
}
