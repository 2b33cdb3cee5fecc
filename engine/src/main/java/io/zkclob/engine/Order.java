package io.zkclob.engine;

import io.zkclob.contracts.Side;

/**
 * A resting limit order. Mutable on purpose: the book and the account thread intrusive lists through it so the
 * hot path allocates nothing per fill. {@code orderId} is the seq of its PlaceOrder, which is also its time
 * priority.
 */
public final class Order {
    final long orderId;
    final long accountId;
    final int marketId;
    /** Its market and (once it rests, set by {@link Account#link}) its account: a cancel or a fill needs both, without a lookup. */
    final Market market;
    Account account;
    final long clientOrderId;
    final Side side;
    final long priceTicks;
    long remainingLots;
    /** Locked funds still attributed to this order: quote for a buy, base for a sell. */
    long holdRemaining;

    // LevelBook links
    Order prev;
    Order next;
    LevelBook.Level level;
    // Account links (all of an account's open orders, any market)
    Order acctPrev;
    Order acctNext;

    Order(long orderId, long accountId, Market market, long clientOrderId, Side side, long priceTicks,
          long remainingLots, long holdRemaining) {
        this.orderId = orderId;
        this.accountId = accountId;
        this.marketId = market.marketId;
        this.market = market;
        this.clientOrderId = clientOrderId;
        this.side = side;
        this.priceTicks = priceTicks;
        this.remainingLots = remainingLots;
        this.holdRemaining = holdRemaining;
    }

    public long orderId() { return orderId; }

    public long accountId() { return accountId; }

    public Side side() { return side; }

    public long priceTicks() { return priceTicks; }

    public long remainingLots() { return remainingLots; }

    /** True when this resting order would trade with a taker on the other side limited at {@code limitTicks}. */
    boolean crosses(long limitTicks) {
        return side == Side.SELL ? priceTicks <= limitTicks : priceTicks >= limitTicks;
    }
}
