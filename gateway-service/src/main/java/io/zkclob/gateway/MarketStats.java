package io.zkclob.gateway;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A market's rolling 24 h statistics in integer units, from the trade tape's one-minute candles (never a scan of
 * trades) and the live book's best levels: one computation behind both /api/v1/markets/{s}/ticker and Binance's
 * /api/v3/ticker/24hr.
 */
final class MarketStats {
    /** The window's one-minute candles: 24 h to the minute (Binance's is to the millisecond). */
    static final int WINDOW_MINUTES = 1_440;
    static final long WINDOW_MS = 86_400_000L;

    /** Integer units (price in quote units, qty in base units); bid and ask are {price, qty}, {0, 0} when empty. */
    record Window(long open, long high, long low, long last, long lastQty, BigDecimal volumeUnits, BigDecimal quoteVolumeUnits,
                  long trades, long[] bid, long[] ask, long openTimeMs, long closeTimeMs) {}

    private MarketStats() {}

    /**
     * The window is the 1440 one-minute candles that end with the current minute: open is the first candle's
     * open, last the last trade's price (also when it is older than the window).
     */
    static Window of(TradeTape tape, MarketStream stream, int marketId, long nowMs) {
        long minute = TradeTape.INTERVALS.get("1m");
        long from = nowMs - Math.floorMod(nowMs, minute) - (WINDOW_MINUTES - 1) * minute;
        List<TradeTape.Candle> candles = tape.candles(marketId, minute, from, null, WINDOW_MINUTES);
        Optional<TradeTape.Trade> last = tape.last(marketId);
        long lastPrice = last.map(TradeTape.Trade::price).orElse(0L);
        long open = candles.isEmpty() ? lastPrice : candles.getFirst().open();
        long high = candles.stream().mapToLong(TradeTape.Candle::high).max().orElse(lastPrice);
        long low = candles.stream().mapToLong(TradeTape.Candle::low).min().orElse(lastPrice);
        BigDecimal volume = candles.stream().map(TradeTape.Candle::volumeQty).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal quoteVolume = candles.stream().map(TradeTape.Candle::volumeQuote).reduce(BigDecimal.ZERO, BigDecimal::add);
        long count = candles.stream().mapToLong(TradeTape.Candle::trades).sum();
        Map<String, Object> top = stream.snapshot(marketId, 1);
        return new Window(open, high, low, lastPrice, last.map(TradeTape.Trade::qty).orElse(0L), volume, quoteVolume, count,
                first(top.get("bids")), first(top.get("asks")), nowMs - WINDOW_MS, nowMs);
    }

    private static long[] first(Object levels) {
        @SuppressWarnings("unchecked") List<long[]> l = (List<long[]>) levels;
        return l.isEmpty() ? new long[] {0, 0} : l.getFirst();
    }
}
