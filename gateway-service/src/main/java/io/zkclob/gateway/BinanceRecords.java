package io.zkclob.gateway;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The bodies of the Binance-compatible API, field for field as Binance names them (decimals as strings). Each has a
 * schema name of its own ("Binance" + its name): springdoc names a component by the simple class name and keeps one
 * class per name, so Order, Balance, MyTrade, OrderAck, Depth and ServerTime documented /api/v1 with these shapes
 * (the long fuzz run's finding; OpenApiDocumentTest refuses two classes under one name).
 */
final class BinanceRecords {
    private BinanceRecords() {}

    @Schema(name = "BinanceServerTime")
    record ServerTime(long serverTime) {}

    @Schema(name = "BinanceErrorBody")
    record ErrorBody(int code, String msg) {}

    @Schema(name = "BinanceExchangeInfo")
    record ExchangeInfo(String timezone, long serverTime, List<Object> rateLimits, List<Object> exchangeFilters, List<SymbolInfo> symbols) {}

    @Schema(name = "BinanceSymbolInfo")
    record SymbolInfo(String symbol, String status, String baseAsset, int baseAssetPrecision, String quoteAsset, int quotePrecision,
                      int quoteAssetPrecision, int baseCommissionPrecision, int quoteCommissionPrecision, List<String> orderTypes,
                      boolean icebergAllowed, boolean ocoAllowed, boolean otoAllowed, boolean quoteOrderQtyMarketAllowed,
                      boolean allowTrailingStop, boolean cancelReplaceAllowed, boolean isSpotTradingAllowed,
                      boolean isMarginTradingAllowed, List<Filter> filters, List<String> permissions, List<List<String>> permissionSets,
                      String defaultSelfTradePreventionMode, List<String> allowedSelfTradePreventionModes) {}

    /** One symbol filter; only the fields of its type are present. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "BinanceFilter")
    record Filter(String filterType, String minPrice, String maxPrice, String tickSize, String minQty, String maxQty, String stepSize,
                  String minNotional, Boolean applyMinToMarket, String maxNotional, Boolean applyMaxToMarket, Integer avgPriceMins) {
        static Filter price(String min, String max, String tick) {
            return new Filter("PRICE_FILTER", min, max, tick, null, null, null, null, null, null, null, null);
        }

        static Filter lot(String type, String min, String max, String step) {
            return new Filter(type, null, null, null, min, max, step, null, null, null, null, null);
        }

        static Filter notional(String min, String max) {
            return new Filter("NOTIONAL", null, null, null, null, null, null, min, true, max, false, 0);
        }
    }

    /** A price level: ["price", "qty"]. */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    @JsonPropertyOrder({"price", "qty"})
    @Schema(name = "BinanceLevel")
    record Level(String price, String qty) {}

    @Schema(name = "BinanceDepth")
    record Depth(long lastUpdateId, List<Level> bids, List<Level> asks) {}

    @Schema(name = "BinanceTrade")
    record Trade(long id, String price, String qty, String quoteQty, long time, boolean isBuyerMaker, boolean isBestMatch) {}

    /** Binance's aggregate trade; every trade here is its own aggregate (first = last = the trade id). */
    @Schema(name = "BinanceAggTrade")
    record AggTrade(@JsonProperty("a") long a, @JsonProperty("p") String p, @JsonProperty("q") String q, @JsonProperty("f") long f,
                    @JsonProperty("l") long l, @JsonProperty("T") long time, @JsonProperty("m") boolean m,
                    @JsonProperty("M") boolean bestMatch) {}

    @Schema(name = "BinanceTicker24h")
    record Ticker24h(String symbol, String priceChange, String priceChangePercent, String weightedAvgPrice, String prevClosePrice,
                     String lastPrice, String lastQty, String bidPrice, String bidQty, String askPrice, String askQty, String openPrice,
                     String highPrice, String lowPrice, String volume, String quoteVolume, long openTime, long closeTime, long firstId,
                     long lastId, long count) {}

    /** A kline row: [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBuyBase, takerBuyQuote, ignore]. */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    @JsonPropertyOrder({"openTime", "open", "high", "low", "close", "volume", "closeTime", "quoteVolume", "trades", "takerBuyBaseVolume",
            "takerBuyQuoteVolume", "ignore"})
    @Schema(name = "BinanceKline")
    record Kline(long openTime, String open, String high, String low, String close, String volume, long closeTime, String quoteVolume,
                 long trades, String takerBuyBaseVolume, String takerBuyQuoteVolume, String ignore) {}

    @Schema(name = "BinanceBalance")
    record Balance(String asset, String free, String locked) {}

    @Schema(name = "BinanceCommissionRates")
    record CommissionRates(String maker, String taker, String buyer, String seller) {}

    @Schema(name = "BinanceAccount")
    record Account(int makerCommission, int takerCommission, int buyerCommission, int sellerCommission, CommissionRates commissionRates,
                   boolean canTrade, boolean canWithdraw, boolean canDeposit, boolean brokered, boolean requireSelfTradePrevention,
                   boolean preventSor, long updateTime, String accountType, List<Balance> balances, List<String> permissions, long uid) {}

    @Schema(name = "BinanceFill")
    record Fill(String price, String qty, String commission, String commissionAsset, long tradeId) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "BinanceOrder")
    record Order(String symbol, long orderId, long orderListId, String clientOrderId, Long transactTime, String price, String origQty,
                 String executedQty, String origQuoteOrderQty, String cummulativeQuoteQty, String status, String timeInForce, String type,
                 String side, String stopPrice, Long time, Long updateTime, Long workingTime, Boolean isWorking,
                 String selfTradePreventionMode, List<Fill> fills) {}

    @Schema(name = "BinanceOrderAck")
    record OrderAck(String symbol, long orderId, long orderListId, String clientOrderId, long transactTime) {}

    @Schema(name = "BinanceMyTrade")
    record MyTrade(String symbol, long id, long orderId, long orderListId, String price, String qty, String quoteQty, String commission,
                   String commissionAsset, long time, boolean isBuyer, boolean isMaker, boolean isBestMatch) {}
}
