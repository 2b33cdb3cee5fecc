package io.zkclob.engine;

import io.zkclob.contracts.MarketStatus;
import io.zkclob.contracts.Side;

/**
 * A market's rules and its book. Prices travel as quote units per whole base unit and quantities as base units;
 * inside, they are ticks and lots, and {@code quotePerTickLot = tickSize * lotSize / 10^baseScale} (exact by the
 * AddMarket rule), so a notional is {@code priceTicks * lots * quotePerTickLot} with no division.
 */
final class Market {
    final int marketId;
    final String symbol;
    final Asset base;
    final Asset quote;
    final long tickSize;
    final long lotSize;
    final long minNotional;
    final int makerFeePpm;
    final int takerFeePpm;
    final long quotePerTickLot;
    final OrderBook book;
    MarketStatus status = MarketStatus.ACTIVE;
    /** Cached leaf hash; null when the market or its book changed since the last state root. */
    byte[] leafHash;
    /**
     * The book's commitment (docs/engine-spec.md §6): per side, a sparse Merkle tree of price levels keyed by
     * priceTicks. Levels changed since the last root wait in the dirty sets, so a root rehashes only them.
     */
    final SparseMerkleTree bidLevels = new SparseMerkleTree(Exchange.PRICE_TREE_DEPTH);
    final SparseMerkleTree askLevels = new SparseMerkleTree(Exchange.PRICE_TREE_DEPTH);
    final LongSet dirtyBids = new LongSet(16);
    final LongSet dirtyAsks = new LongSet(16);

    Market(int marketId, String symbol, Asset base, Asset quote, long tickSize, long lotSize, long minNotional,
           int makerFeePpm, int takerFeePpm, long quotePerTickLot, OrderBook book) {
        this.marketId = marketId;
        this.symbol = symbol;
        this.base = base;
        this.quote = quote;
        this.tickSize = tickSize;
        this.lotSize = lotSize;
        this.minNotional = minNotional;
        this.makerFeePpm = makerFeePpm;
        this.takerFeePpm = takerFeePpm;
        this.quotePerTickLot = quotePerTickLot;
        this.book = book;
    }

    /** Every change to a level (an order added, filled, reduced or removed) goes through here. */
    void touchLevel(Side side, long priceTicks) {
        (side == Side.BUY ? dirtyBids : dirtyAsks).add(priceTicks);
        leafHash = null;
    }

    SparseMerkleTree levels(Side side) {
        return side == Side.BUY ? bidLevels : askLevels;
    }

    /** A buy order holds for the larger of the two fees: it may end up maker or taker. */
    long holdFeePpm() {
        return Math.max(makerFeePpm, takerFeePpm);
    }
}
