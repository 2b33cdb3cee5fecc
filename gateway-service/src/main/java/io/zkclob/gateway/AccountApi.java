package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.zkclob.gateway.ApiDocs.Refused;
import io.zkclob.gateway.ApiDocs.Signed;
import io.zkclob.gateway.ApiRecords.MyTrade;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A signed account's own view beyond orders and balances: its fills, deposits and withdrawals from the trade tape,
 * and its account summary.
 */
@RestController
@RequestMapping("/api/v1")
class AccountApi {
    private final Signatures signatures;
    private final Backends backends;
    private final TradeTape tape;
    private final TradingApi trading;
    private final ApiKeys keys;

    AccountApi(Signatures signatures, Backends backends, TradeTape tape, TradingApi trading, ApiKeys keys) {
        this.signatures = signatures;
        this.backends = backends;
        this.tape = tape;
        this.trading = trading;
        this.keys = keys;
    }

    private long auth(HttpServletRequest req) {
        String q = req.getQueryString();
        return signatures.authenticate(req.getHeader("X-Account-Id"), req.getHeader("X-Timestamp"), req.getHeader("X-Signature"),
                req.getMethod(), req.getRequestURI() + (q == null ? "" : "?" + q), new byte[0]);
    }

    @Operation(summary = "Your fills, oldest first: the latest `limit`, or `limit` from trade id `fromId` on (page on with the last"
            + " tradeId + 1), or the first `limit` from startTimeMs on (up to endTimeMs); optionally in one market or of one order")
    @Signed
    @Refused(status = 404, codes = {"UNKNOWN_MARKET"})
    @GetMapping("/trades")
    List<MyTrade> myTrades(@RequestParam(required = false) String market, @RequestParam(required = false) Long orderId,
                           @RequestParam(required = false) @Schema(minimum = MarketDataApi.FIRST_TRADE_ID) Long fromId,
                           @RequestParam(required = false) Long startTimeMs, @RequestParam(required = false) Long endTimeMs,
                           @RequestParam(defaultValue = "100") @Schema(minimum = "1", maximum = "1000") int limit, HttpServletRequest req) {
        long accountId = auth(req);
        Integer marketId = market == null ? null : backends.market(market).marketId();
        int n = MarketDataApi.bounded(limit, MarketDataApi.MAX_TRADES_PAGE);
        Map<Integer, Backends.Market> markets = new HashMap<>();
        for (Backends.Market m : backends.markets()) markets.put(m.marketId(), m);
        return tape.ofAccount(accountId, marketId, orderId, MarketDataApi.fromId(fromId, MarketDataApi.FIRST_TRADE_ID), startTimeMs, endTimeMs, n).stream()
                .map(t -> myTrade(accountId, markets.get(t.marketId()), t)).toList();
    }

    static MyTrade myTrade(long accountId, Backends.Market m, TradeTape.Trade t) {
        // A self-trade has the account on both sides; it is listed once, as the taker (the side that executed).
        boolean maker = t.makerAccountId() == accountId && t.takerAccountId() != accountId;
        String side = maker == "BUY".equals(t.takerSide()) ? "SELL" : "BUY";
        long fee = maker ? t.makerFee() : t.takerFee();
        int q = m == null ? 0 : m.quoteScale();
        int b = m == null ? 0 : m.baseScale();
        return new MyTrade(t.tradeId(), t.seq(), maker ? t.makerOrderId() : t.takerOrderId(), m == null ? null : m.symbol(),
                maker ? "MAKER" : "TAKER", side, Units.format(t.price(), q), Units.format(t.qty(), b), Units.format(t.quoteAmount(), q),
                Units.format(fee, q), m == null ? null : m.quote(), t.timeMs());
    }

    @Schema(description = "A deposit or withdrawal and the engine's verdict on it")
    record Transfer(@Schema(description = "the command's seq (what the request that made it answered)", example = "1050") long id,
                    @Schema(example = "USDT") String asset, @Schema(example = "100") String amount,
                    @Schema(description = "the bridge's id (deposits)", nullable = true, example = "1001") Long externalId,
                    @Schema(allowableValues = {"COMPLETED", "REJECTED"}) String status,
                    @Schema(nullable = true, example = "INSUFFICIENT_FUNDS") String rejectCode,
                    @Schema(description = "when the engine logged its verdict, ms since the epoch", example = "1795000000000") long timeMs) {}

    @Operation(summary = "Your deposits, oldest first: the latest `limit`, or from id `fromId` on (page on with the last id + 1)")
    @Signed
    @GetMapping("/deposits")
    List<Transfer> deposits(@RequestParam(required = false) @Schema(minimum = MarketDataApi.FIRST_SEQ) Long fromId,
                            @RequestParam(defaultValue = "100") @Schema(minimum = "1", maximum = "1000") int limit, HttpServletRequest req) {
        return transfers(auth(req), "DEPOSIT", fromId, limit);
    }

    @Operation(summary = "Your withdrawals, oldest first: the latest `limit`, or from id `fromId` on (page on with the last id + 1)")
    @Signed
    @GetMapping("/withdrawals")
    List<Transfer> withdrawals(@RequestParam(required = false) @Schema(minimum = MarketDataApi.FIRST_SEQ) Long fromId,
                               @RequestParam(defaultValue = "100") @Schema(minimum = "1", maximum = "1000") int limit, HttpServletRequest req) {
        return transfers(auth(req), "WITHDRAWAL", fromId, limit);
    }

    private List<Transfer> transfers(long accountId, String kind, Long fromId, int limit) {
        int n = MarketDataApi.bounded(limit, MarketDataApi.MAX_TRADES_PAGE);
        Map<Integer, Map<String, Object>> assets = new HashMap<>();
        for (Map<String, Object> a : backends.assets()) assets.put(((Number) a.get("assetId")).intValue(), a);
        return tape.transfers(accountId, kind, MarketDataApi.fromId(fromId, MarketDataApi.FIRST_SEQ), n).stream().map(t -> {
            Map<String, Object> a = assets.get(t.assetId());
            int scale = a == null ? 0 : ((Number) a.get("scale")).intValue();
            return new Transfer(t.seq(), a == null ? String.valueOf(t.assetId()) : (String) a.get("symbol"), Units.format(t.amount(), scale),
                    t.externalId(), t.status(), t.rejectCode(), t.timeMs());
        }).toList();
    }

    @Schema(description = "A market's fee rates for you")
    record FeeRate(@Schema(example = "ETH-USDT") String market, @Schema(example = "1000") int makerFeePpm, @Schema(example = "2000") int takerFeePpm) {}

    @Schema(description = "Your account: its signing key, API keys, open orders and fee rates")
    record AccountInfo(@Schema(example = "1") long accountId, @Schema(description = "the Ed25519 public key that signs, base64", nullable = true) String publicKey,
                       @Schema(description = "open orders (counted up to 1000)", example = "3") int openOrders,
                       List<ApiKeysApi.KeyView> apiKeys, List<FeeRate> fees) {}

    @Operation(summary = "Your account: public key, API keys (without secrets), open-order count, fee rates per market")
    @Signed
    @GetMapping("/account")
    AccountInfo account(HttpServletRequest req) {
        long accountId = auth(req);
        int open = trading.ordersOf(accountId, true, null, null, TradingApi.MAX_ORDERS_PAGE).size();
        List<FeeRate> fees = backends.markets().stream().map(m -> new FeeRate(m.symbol(), m.makerFeePpm(), m.takerFeePpm())).toList();
        return new AccountInfo(accountId, signatures.publicKey(accountId).orElse(null), open,
                keys.list(accountId).stream().map(ApiKeysApi::view).toList(), fees);
    }
}
