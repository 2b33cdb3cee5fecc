package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.zkclob.gateway.ApiDocs.Refused;
import io.zkclob.gateway.ApiRecords.Asset;
import io.zkclob.gateway.ApiRecords.PublicTrade;
import io.zkclob.support.ApiException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Public market data of /api/v1 that real venues serve: assets and their scales, the trade tape with ids and
 * times, the 24 h ticker and candles. Trades, candles and the ticker read {@link TradeTape}, the consumer of the
 * trades into PostgreSQL that Binance's /api/v3 reads too: nothing here scans trades on request.
 */
@RestController
@RequestMapping("/api/v1")
class MarketDataApi {
    static final int MAX_TRADES_PAGE = 1_000;
    static final int MAX_CANDLES_PAGE = 1_000;
    private final Backends backends;
    private final TradeTape tape;
    private final MarketStream stream;

    MarketDataApi(Backends backends, TradeTape tape, MarketStream stream) {
        this.backends = backends;
        this.tape = tape;
        this.stream = stream;
    }

    @Operation(summary = "Assets and their scales (an amount of an asset has at most `scale` decimals)")
    @GetMapping("/assets")
    List<Asset> assets() {
        return backends.assets().stream().map(a -> new Asset(((Number) a.get("assetId")).intValue(), (String) a.get("symbol"),
                ((Number) a.get("scale")).intValue())).toList();
    }

    @Operation(summary = "A market's trades, oldest first: the latest `limit`, or `limit` from trade id `fromId` on (page on with"
            + " the last tradeId + 1), or the first `limit` within [startTimeMs, endTimeMs] (either may be left open)")
    @Refused(status = 404, codes = {"UNKNOWN_MARKET"})
    @GetMapping("/markets/{symbol}/trades")
    List<PublicTrade> trades(@PathVariable String symbol, @RequestParam(defaultValue = "50") @Schema(minimum = "1", maximum = "1000") int limit,
                             @RequestParam(required = false) @Schema(description = "trades with this id and later", minimum = FIRST_TRADE_ID) Long fromId,
                             @RequestParam(required = false) Long startTimeMs, @RequestParam(required = false) Long endTimeMs) {
        Backends.Market m = backends.market(symbol);
        int n = bounded(limit, MAX_TRADES_PAGE);
        if ((startTimeMs != null || endTimeMs != null) && fromId != null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "page by fromId or by time, not both");
        }
        List<TradeTape.Trade> rows = startTimeMs != null || endTimeMs != null ? tape.inWindow(m.marketId(), startTimeMs, endTimeMs, n)
                : tape.recent(m.marketId(), fromId(fromId, FIRST_TRADE_ID), n);
        return rows.stream().map(t -> publicTrade(m, t)).toList();
    }

    static PublicTrade publicTrade(Backends.Market m, TradeTape.Trade t) {
        return new PublicTrade(t.tradeId(), t.seq(), Units.format(t.price(), m.quoteScale()), Units.format(t.qty(), m.baseScale()),
                Units.format(t.quoteAmount(), m.quoteScale()), t.takerSide(), t.timeMs());
    }

    /** Trade ids are the tape's BIGSERIAL, from 1: a page starts at 1 or later (the constant is also the document's minimum). */
    static final String FIRST_TRADE_ID = "1";
    /** Order ids and transfer ids are command log positions, from 0. */
    static final String FIRST_SEQ = "0";

    /**
     * A page's first id, refused below the first id there is: the document declares the minimum and the long fuzz run
     * found {@code fromId=-58800} taken anyway.
     */
    static Long fromId(Long fromId, String first) {
        if (fromId != null && fromId < Long.parseLong(first)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "fromId is at least " + first);
        }
        return fromId;
    }

    static int bounded(int limit, int max) {
        if (limit < 1 || limit > max) throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "limit is 1 to " + max);
        return limit;
    }

    @Schema(description = "Rolling 24 h statistics (to the minute) and the best bid and ask now")
    record Ticker(@Schema(example = "ETH-USDT") String market, @Schema(example = "2950") String open, @Schema(example = "3050") String high,
                  @Schema(example = "2900") String low, @Schema(description = "the last trade's price", example = "3000") String last,
                  @Schema(example = "0.5") String lastQty, @Schema(description = "base traded", example = "120.5") String volume,
                  @Schema(description = "quote traded", example = "361500") String quoteVolume,
                  @Schema(example = "50") String priceChange, @Schema(example = "1.695") String priceChangePercent,
                  @Schema(example = "812") long trades, @Schema(example = "2999.9") String bestBid, @Schema(example = "1.2") String bestBidQty,
                  @Schema(example = "3000.1") String bestAsk, @Schema(example = "0.8") String bestAskQty,
                  @Schema(example = "1794913600000") long openTimeMs, @Schema(example = "1795000000000") long closeTimeMs) {}

    @Operation(summary = "24 h ticker: open, high, low, last, volume, quote volume, best bid and ask (from the one-minute candles)")
    @Refused(status = 404, codes = {"UNKNOWN_MARKET"})
    @GetMapping("/markets/{symbol}/ticker")
    Ticker ticker(@PathVariable String symbol) {
        Backends.Market m = backends.market(symbol);
        MarketStats.Window w = MarketStats.of(tape, stream, m.marketId(), System.currentTimeMillis());
        int q = m.quoteScale();
        int b = m.baseScale();
        String percent = w.open() == 0 ? "0" : BigDecimal.valueOf(w.last() - w.open()).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(w.open()), 3, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        return new Ticker(m.symbol(), Units.format(w.open(), q), Units.format(w.high(), q), Units.format(w.low(), q), Units.format(w.last(), q),
                Units.format(w.lastQty(), b), decimal(w.volumeUnits(), b), decimal(w.quoteVolumeUnits(), q),
                Units.format(w.last() - w.open(), q), percent, w.trades(), Units.format(w.bid()[0], q), Units.format(w.bid()[1], b),
                Units.format(w.ask()[0], q), Units.format(w.ask()[1], b), w.openTimeMs(), w.closeTimeMs());
    }

    /** Volumes can pass a long's range over a day: they are summed as big decimals in integer units. */
    private static String decimal(BigDecimal units, int scale) {
        return units.movePointLeft(scale).stripTrailingZeros().toPlainString();
    }

    @Schema(description = "An OHLCV candle (prices and volumes as decimal strings)")
    record Candle(@Schema(example = "1795000020000") long openTimeMs, @Schema(description = "the last ms it covers", example = "1795000079999")
                  long closeTimeMs, @Schema(example = "3000") String open, @Schema(example = "3010") String high,
                  @Schema(example = "2995") String low, @Schema(example = "3005") String close, @Schema(example = "4.2") String volume,
                  @Schema(example = "12621") String quoteVolume, @Schema(example = "9") long trades) {}

    @Operation(summary = "Candles (OHLCV) of one interval, oldest first: the latest `limit`, or from startTimeMs on up to endTimeMs."
            + " Minutes without trades have no candle")
    @Refused(status = 404, codes = {"UNKNOWN_MARKET"})
    @GetMapping("/markets/{symbol}/candles")
    List<Candle> candles(@PathVariable String symbol,
                         @RequestParam @Schema(allowableValues = {"1m", "5m", "15m", "1h", "4h", "1d"}) String interval,
                         @RequestParam(required = false) Long startTimeMs, @RequestParam(required = false) Long endTimeMs,
                         @RequestParam(defaultValue = "500") @Schema(minimum = "1", maximum = "1000") int limit) {
        Backends.Market m = backends.market(symbol);
        Long intervalMs = TradeTape.INTERVALS.get(interval);
        if (intervalMs == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "interval is one of " + TradeTape.INTERVALS.keySet());
        }
        int q = m.quoteScale();
        int b = m.baseScale();
        return tape.candles(m.marketId(), intervalMs, startTimeMs, endTimeMs, bounded(limit, MAX_CANDLES_PAGE)).stream()
                .map(c -> new Candle(c.openTimeMs(), c.openTimeMs() + intervalMs - 1, Units.format(c.open(), q), Units.format(c.high(), q),
                        Units.format(c.low(), q), Units.format(c.close(), q), decimal(c.volumeQty(), b), decimal(c.volumeQuote(), q), c.trades()))
                .toList();
    }
}
