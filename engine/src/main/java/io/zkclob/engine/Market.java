package io.zkclob.engine;

import io.zkclob.contracts.MarketStatus;

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

    /** A buy order holds for the larger of the two fees: it may end up maker or taker. */
    long holdFeePpm() {
        return Math.max(makerFeePpm, takerFeePpm);
    }
}
