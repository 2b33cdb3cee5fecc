package io.zkclob.gateway;

import io.zkclob.gateway.BinanceRecords.Filter;
import io.zkclob.gateway.BinanceRecords.SymbolInfo;
import java.math.BigDecimal;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Our markets under Binance's names: "ETH-USDT" is ETHUSDT (base and quote run together), and its rules are
 * Binance's filters: PRICE_FILTER from the tick size, LOT_SIZE and MARKET_LOT_SIZE from the lot size, NOTIONAL
 * from the minimum notional, each at the asset's scale.
 */
@Component
class BinanceMarkets {
    static final List<String> ORDER_TYPES = List.of("LIMIT", "LIMIT_MAKER", "MARKET");
    private final Backends backends;

    BinanceMarkets(Backends backends) {
        this.backends = backends;
    }

    static String symbol(Backends.Market m) {
        return m.base() + m.quote();
    }

    /** The market of a Binance symbol, or -1121 Invalid symbol. */
    Backends.Market market(String symbol) {
        if (symbol == null || symbol.isEmpty()) throw BinanceException.mandatory("symbol");
        return backends.markets().stream().filter(m -> symbol(m).equals(symbol)).findFirst().orElseThrow(BinanceException::badSymbol);
    }

    Backends.Market byId(int marketId) {
        return backends.markets().stream().filter(m -> m.marketId() == marketId).findFirst().orElseThrow(BinanceException::badSymbol);
    }

    List<Backends.Market> all() {
        return backends.markets();
    }

    static SymbolInfo info(Backends.Market m) {
        String tick = Units.format(m.tickSize(), m.quoteScale());
        String lot = Units.format(m.lotSize(), m.baseScale());
        // The engine's price filter (docs/engine-spec.md §1): at most MAX_PRICE_TICKS ticks.
        String maxPrice = Units.format(TradingApi.maxPrice(m.tickSize()), m.quoteScale());
        String maxQty = Units.format(Long.MAX_VALUE - Long.MAX_VALUE % m.lotSize(), m.baseScale());
        List<Filter> filters = List.of(Filter.price(tick, maxPrice, tick), Filter.lot("LOT_SIZE", lot, maxQty, lot),
                Filter.lot("MARKET_LOT_SIZE", lot, maxQty, lot),
                Filter.notional(Units.format(m.minNotional(), m.quoteScale()), Units.format(Long.MAX_VALUE, m.quoteScale())));
        return new SymbolInfo(symbol(m), "ACTIVE".equals(m.status()) ? "TRADING" : "HALT", m.base(), m.baseScale(), m.quote(),
                m.quoteScale(), m.quoteScale(), m.quoteScale(), m.quoteScale(), ORDER_TYPES, false, false, false, true, false, false,
                true, false, filters, List.of("SPOT"), List.of(List.of("SPOT")), "EXPIRE_MAKER", List.of("EXPIRE_MAKER"));
    }

    static String price(Backends.Market m, long units) {
        return Units.format(units, m.quoteScale());
    }

    static String qty(Backends.Market m, long units) {
        return Units.format(units, m.baseScale());
    }

    /** A decimal without trailing zeros, as Binance's strings are read by ccxt. */
    static String plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }
}
