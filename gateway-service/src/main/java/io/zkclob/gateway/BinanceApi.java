package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.CancelAll;
import io.zkclob.contracts.Command.CancelOrder;
import io.zkclob.gateway.ApiKeys.Permission;
import io.zkclob.gateway.BinanceRecords.*;
import jakarta.servlet.http.HttpServletRequest;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.*;

/**
 * A Binance-compatible spot subset under /api/v3 (docs/api.md "Binance compatibility"), enough for ccxt's
 * {@code binance} class, unmodified, pointed at this gateway. Market data comes from the gateway's own read
 * models (the live book of {@link MarketStream}, the trades and candles of {@link TradeTape}); orders go through
 * {@link TradingApi#submit}, the same checks, funds reservation and command log as /api/v1, and cancels are the
 * same engine commands. Nothing here decides an order's fate: the engine's verdict is what the answer reports.
 */
@Tag(name = "binance", description = "Binance-compatible spot subset (signing: X-MBX-APIKEY + HMAC-SHA256 signature)")
@RestController
@RequestMapping("/api/v3")
class BinanceApi {
    /** Binance's rule for client order ids. */
    static final Pattern CLIENT_ORDER_ID = Pattern.compile("^[a-zA-Z0-9\\-_.]{1,36}$");
    /** How long an order request waits for the engine's verdict to show (then it answers with what it knows). */
    static final long VERDICT_WAIT_MS = 3_000;
    static final long VERDICT_POLL_MS = 10;
    static final int MAX_LIST = 1_000;
    /** Waits for verdicts sleep; virtual threads make that cheap. Bounded by the requests in flight. */
    private static final Executor WAITERS = Executors.newVirtualThreadPerTaskExecutor();
    private static final String APIKEY = "X-MBX-APIKEY";
    private final BinanceMarkets markets;
    private final Backends backends;
    private final TradingApi trading;
    private final CommandLog log;
    private final MarketStream stream;
    private final TradeTape tape;
    private final ApiKeys keys;
    private final JdbcClient jdbc;

    BinanceApi(BinanceMarkets markets, Backends backends, TradingApi trading, CommandLog log, MarketStream stream, TradeTape tape,
               ApiKeys keys, JdbcClient jdbc) {
        this.markets = markets;
        this.backends = backends;
        this.trading = trading;
        this.log = log;
        this.stream = stream;
        this.tape = tape;
        this.keys = keys;
        this.jdbc = jdbc;
    }

    // ------------------------------------------------------------------ public market data

    @Operation(summary = "Connectivity check: {}")
    @GetMapping("/ping")
    Map<String, Object> ping() {
        return Map.of();
    }

    @Operation(summary = "The server's clock (ms since the epoch), for timestamp + recvWindow")
    @GetMapping("/time")
    ServerTime time() {
        return new ServerTime(System.currentTimeMillis());
    }

    @Operation(summary = "Symbols (ETHUSDT for ETH-USDT) with PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE and NOTIONAL filters")
    @GetMapping("/exchangeInfo")
    ExchangeInfo exchangeInfo(@RequestParam(required = false) String symbol) {
        List<SymbolInfo> symbols = symbol != null ? List.of(BinanceMarkets.info(markets.market(symbol)))
                : markets.all().stream().map(BinanceMarkets::info).toList();
        return new ExchangeInfo("UTC", System.currentTimeMillis(), List.of(), List.of(), symbols);
    }

    @Operation(summary = "Order book: aggregated levels, best first; lastUpdateId is the seq of the last change")
    @GetMapping("/depth")
    Depth depth(
            @Parameter(required = true, description = "e.g. ETHUSDT") @RequestParam(required = false) String symbol,
            @RequestParam(defaultValue = "100") int limit) {
        Backends.Market m = markets.market(symbol);
        int n = Math.clamp(limit, 1, 5_000);
        Map<String, Object> snapshot = stream.snapshot(m.marketId(), n);
        return new Depth(Math.max(0, ((Number) snapshot.get("seq")).longValue()), levels(snapshot.get("bids"), m), levels(snapshot.get("asks"), m));
    }

    private static List<Level> levels(Object rows, Backends.Market m) {
        @SuppressWarnings("unchecked") List<long[]> levels = (List<long[]>) rows;
        return levels.stream().map(l -> new Level(BinanceMarkets.price(m, l[0]), BinanceMarkets.qty(m, l[1]))).toList();
    }

    @Operation(summary = "Recent trades, oldest first (default 500, at most 1000)")
    @GetMapping("/trades")
    List<Trade> trades(
            @Parameter(required = true, description = "e.g. ETHUSDT") @RequestParam(required = false) String symbol,
            @RequestParam(defaultValue = "500") int limit) {
        Backends.Market m = markets.market(symbol);
        return tape.recent(m.marketId(), null, Math.clamp(limit, 1, MAX_LIST)).stream().map(t -> trade(m, t)).toList();
    }

    @Operation(summary = "Trades from a trade id on (fromId), or the latest")
    @GetMapping("/historicalTrades")
    List<Trade> historicalTrades(
            @Parameter(required = true, description = "e.g. ETHUSDT") @RequestParam(required = false) String symbol,
            @RequestParam(defaultValue = "500") int limit,
            @RequestParam(required = false) Long fromId) {
        Backends.Market m = markets.market(symbol);
        return tape.recent(m.marketId(), fromId, Math.clamp(limit, 1, MAX_LIST)).stream().map(t -> trade(m, t)).toList();
    }

    private static Trade trade(Backends.Market m, TradeTape.Trade t) {
        return new Trade(t.tradeId(), BinanceMarkets.price(m, t.price()), BinanceMarkets.qty(m, t.qty()),
                BinanceMarkets.price(m, t.quoteAmount()), t.timeMs(), "SELL".equals(t.takerSide()), true);
    }

    @Operation(summary = "Aggregate trades (each trade is its own aggregate here); ccxt's fetchTrades reads these")
    @GetMapping("/aggTrades")
    List<AggTrade> aggTrades(
            @Parameter(required = true, description = "e.g. ETHUSDT") @RequestParam(required = false) String symbol,
            @RequestParam(defaultValue = "500") int limit,
            @RequestParam(required = false) Long fromId, @RequestParam(required = false) Long startTime,
            @RequestParam(required = false) Long endTime) {
        Backends.Market m = markets.market(symbol);
        int n = Math.clamp(limit, 1, MAX_LIST);
        List<TradeTape.Trade> rows = startTime != null || endTime != null
                ? tape.inWindow(m.marketId(), startTime, endTime, n) : tape.recent(m.marketId(), fromId, n);
        return rows.stream().map(t -> new AggTrade(t.tradeId(), BinanceMarkets.price(m, t.price()), BinanceMarkets.qty(m, t.qty()),
                t.tradeId(), t.tradeId(), t.timeMs(), "SELL".equals(t.takerSide()), true)).toList();
    }

    // One symbol's ticker, or without a symbol every symbol's (ApiDocs adds the array to the oneOf).
    @Operation(summary = "24 h statistics over the one-minute candles of the last 1440 minutes, the live best bid and ask",
            responses = @ApiResponse(responseCode = "200", description = "one ticker, or without a symbol an array of every symbol's",
                    content = @Content(mediaType = "application/json", schema = @Schema(oneOf = BinanceRecords.Ticker24h.class))))
    @GetMapping("/ticker/24hr")
    Object ticker(@RequestParam(required = false) String symbol) {
        long now = System.currentTimeMillis();
        if (symbol != null) return ticker(markets.market(symbol), now);
        return markets.all().stream().map(m -> ticker(m, now)).toList();
    }

    /** Binance's shape of {@link MarketStats#of} (24 h to the minute; Binance's is to the millisecond). */
    Ticker24h ticker(Backends.Market m, long nowMs) {
        MarketStats.Window w = MarketStats.of(tape, stream, m.marketId(), nowMs);
        BigDecimal q = BigDecimal.TEN.pow(m.quoteScale());
        BigDecimal b = BigDecimal.TEN.pow(m.baseScale());
        long open = w.open();
        long lastPrice = w.last();
        BigDecimal volume = w.volumeUnits();
        BigDecimal quoteVolume = w.quoteVolumeUnits();
        BigDecimal change = BigDecimal.valueOf(lastPrice - open).divide(q);
        String percent = open == 0 ? "0" : BinanceMarkets.plain(BigDecimal.valueOf(lastPrice - open).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(open), 3, RoundingMode.HALF_EVEN));
        String weighted = volume.signum() == 0 ? "0" : BinanceMarkets.plain(quoteVolume.divide(q).divide(volume.divide(b),
                m.quoteScale(), RoundingMode.HALF_EVEN));
        long[] bid = w.bid();
        long[] ask = w.ask();
        return new Ticker24h(BinanceMarkets.symbol(m), BinanceMarkets.plain(change), percent, weighted, BinanceMarkets.price(m, open),
                BinanceMarkets.price(m, lastPrice), BinanceMarkets.qty(m, w.lastQty()),
                BinanceMarkets.price(m, bid[0]), BinanceMarkets.qty(m, bid[1]), BinanceMarkets.price(m, ask[0]), BinanceMarkets.qty(m, ask[1]),
                BinanceMarkets.price(m, open), BinanceMarkets.price(m, w.high()), BinanceMarkets.price(m, w.low()),
                BinanceMarkets.plain(volume.divide(b)), BinanceMarkets.plain(quoteVolume.divide(q)), w.openTimeMs(), w.closeTimeMs(), -1, -1,
                w.trades());
    }

    @Operation(summary = "Candles (klines) from the trade tape: intervals 1m, 5m, 15m, 1h, 4h, 1d; default 500, at most 1000")
    @GetMapping("/klines")
    List<Kline> klines(
            @Parameter(required = true, description = "e.g. ETHUSDT") @RequestParam(required = false) String symbol,
            @RequestParam(required = false) String interval,
            @RequestParam(required = false) Long startTime, @RequestParam(required = false) Long endTime,
            @RequestParam(defaultValue = "500") int limit) {
        Backends.Market m = markets.market(symbol);
        if (interval == null) throw BinanceException.mandatory("interval");
        Long intervalMs = TradeTape.INTERVALS.get(interval);
        if (intervalMs == null) throw BinanceException.badRequest(-1120, "Invalid interval.");
        BigDecimal q = BigDecimal.TEN.pow(m.quoteScale());
        BigDecimal b = BigDecimal.TEN.pow(m.baseScale());
        return tape.candles(m.marketId(), intervalMs, startTime, endTime, Math.clamp(limit, 1, MAX_LIST)).stream()
                .map(c -> new Kline(c.openTimeMs(), BinanceMarkets.price(m, c.open()), BinanceMarkets.price(m, c.high()),
                        BinanceMarkets.price(m, c.low()), BinanceMarkets.price(m, c.close()), BinanceMarkets.plain(c.volumeQty().divide(b)),
                        c.openTimeMs() + intervalMs - 1, BinanceMarkets.plain(c.volumeQuote().divide(q)), c.trades(), "0", "0", "0"))
                .toList();
    }

    // ------------------------------------------------------------------ signed: account

    private long auth(HttpServletRequest req, BinanceParams p, Permission needed) {
        return keys.authenticate(req.getHeader(APIKEY), p, needed, System.currentTimeMillis());
    }

    @Operation(summary = "Balances: free (available) and locked (held by open orders)")
    @ApiDocs.ApiKeySigned
    @GetMapping("/account")
    Account account(HttpServletRequest req) {
        BinanceParams p = BinanceParams.read(req);
        long accountId = auth(req, p, Permission.READ);
        Map<Integer, Integer> scales = new HashMap<>();
        for (Map<String, Object> a : backends.assets()) scales.put(((Number) a.get("assetId")).intValue(), ((Number) a.get("scale")).intValue());
        List<BinanceRecords.Balance> balances = backends.balances(accountId).stream().map(x -> new BinanceRecords.Balance(x.asset(),
                Units.format(x.available(), scales.getOrDefault(x.assetId(), 0)), Units.format(x.locked(), scales.getOrDefault(x.assetId(), 0))))
                .toList();
        return new Account(0, 0, 0, 0, new CommissionRates("0", "0", "0", "0"), true, false, false, false, false, false,
                System.currentTimeMillis(), "SPOT", balances, List.of("SPOT"), accountId);
    }

    // ------------------------------------------------------------------ signed: orders

    @Operation(summary = "New order: LIMIT (GTC, IOC, FOK), LIMIT_MAKER, MARKET (quantity, or quoteOrderQty for a buy)")
    @ApiDocs.ApiKeySigned
    @PostMapping("/order")
    CompletableFuture<Object> newOrder(HttpServletRequest req) {
        BinanceParams p = BinanceParams.read(req);
        long accountId = auth(req, p, Permission.TRADE);
        BinanceOrders.Placement placement = BinanceOrders.placement(p, markets.market(p.get("symbol")));
        String clientId = p.get("newClientOrderId");
        if (clientId == null) clientId = "zk" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 22);
        if (!CLIENT_ORDER_ID.matcher(clientId).matches()) {
            throw BinanceException.badRequest(-1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[a-zA-Z0-9-_.]{1,36}$'.");
        }
        String respType = Optional.ofNullable(p.get("newOrderRespType")).orElse("FULL");
        if (!List.of("ACK", "RESULT", "FULL").contains(respType)) throw BinanceException.badRequest(-1100, "Invalid newOrderRespType.");
        long takenAtMs = System.currentTimeMillis();
        int reserved = jdbc.sql("INSERT INTO api_client_orders VALUES (?, ?, -1, ?) ON CONFLICT DO NOTHING")
                .params(accountId, clientId, takenAtMs).update();
        if (reserved == 0) throw BinanceException.rejected("Duplicate order sent.");
        String id = clientId;
        CompletableFuture<org.springframework.http.ResponseEntity<ApiRecords.OrderAck>> sent;
        try {
            sent = trading.submit(accountId, placement.request());
        } catch (RuntimeException e) {
            release(accountId, id);
            throw e;
        }
        Backends.Market m = placement.market();
        return sent.handleAsync((answer, error) -> {
            if (error != null) {
                release(accountId, id);
                throw CommandLog.cause(error);
            }
            long orderId = answer.getBody().orderId();
            jdbc.sql("UPDATE api_client_orders SET order_id = ? WHERE account_id = ? AND client_order_id = ?").params(orderId, accountId, id).update();
            if (respType.equals("ACK")) return new OrderAck(BinanceMarkets.symbol(m), orderId, -1, id, takenAtMs);
            Optional<BinanceOrders.Row> row = awaitVerdict(orderId, placement.final_());
            if (row.isEmpty()) return BinanceOrders.pending(m, orderId, id, placement, takenAtMs);
            BinanceOrders.Row o = row.get();
            if ("REJECTED".equals(o.status())) throw BinanceOrders.rejection(o.rejectCode());
            List<Fill> fills = respType.equals("FULL") ? fills(m, orderId) : null;
            return BinanceOrders.view(m, o, id, takenAtMs, lastFillMs(orderId).orElse(takenAtMs), takenAtMs, fills);
        }, WAITERS);
    }

    private void release(long accountId, String clientId) {
        jdbc.sql("DELETE FROM api_client_orders WHERE account_id = ? AND client_order_id = ? AND order_id = -1").params(accountId, clientId).update();
    }

    /**
     * The order once order-service shows the engine's verdict (for IOC, FOK and market orders: their final state)
     * and the trade tape has its fills; empty if that takes longer than {@link #VERDICT_WAIT_MS}.
     */
    private Optional<BinanceOrders.Row> awaitVerdict(long orderId, boolean finalState) {
        long deadline = System.nanoTime() + VERDICT_WAIT_MS * 1_000_000;
        Optional<BinanceOrders.Row> seen = Optional.empty();
        while (System.nanoTime() < deadline) {
            seen = backends.order(orderId).map(BinanceOrders.Row::of);
            boolean settled = seen.isPresent() && (!finalState || seen.get().closed()) && tape.appliedSeq() >= orderId;
            if (settled) return seen;
            try {
                Thread.sleep(VERDICT_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return seen;
    }

    private List<Fill> fills(Backends.Market m, long orderId) {
        return tape.ofOrder(orderId, MAX_LIST).stream().map(t -> new Fill(BinanceMarkets.price(m, t.price()), BinanceMarkets.qty(m, t.qty()),
                BinanceMarkets.price(m, t.makerOrderId() == orderId ? t.makerFee() : t.takerFee()), m.quote(), t.tradeId())).toList();
    }

    private Optional<Long> lastFillMs(long orderId) {
        List<TradeTape.Trade> f = tape.ofOrder(orderId, MAX_LIST);
        return f.isEmpty() ? Optional.empty() : Optional.of(f.getLast().timeMs());
    }

    @Operation(summary = "One of your orders, by orderId or origClientOrderId")
    @ApiDocs.ApiKeySigned
    @GetMapping("/order")
    BinanceRecords.Order order(HttpServletRequest req) {
        BinanceParams p = BinanceParams.read(req);
        long accountId = auth(req, p, Permission.READ);
        Backends.Market m = markets.market(p.get("symbol"));
        BinanceOrders.Row o = find(accountId, m, p).orElseThrow(BinanceException::noSuchOrder);
        return present(m, List.of(o)).getFirst();
    }

    @Operation(summary = "Cancel one of your open orders, by orderId or origClientOrderId")
    @ApiDocs.ApiKeySigned
    @DeleteMapping("/order")
    CompletableFuture<BinanceRecords.Order> cancel(HttpServletRequest req) {
        BinanceParams p = BinanceParams.read(req);
        long accountId = auth(req, p, Permission.TRADE);
        Backends.Market m = markets.market(p.get("symbol"));
        BinanceOrders.Row o = find(accountId, m, p).filter(x -> !x.closed()).orElseThrow(BinanceException::unknownOrderToCancel);
        // The engine's own cancel command, as DELETE /api/v1/orders/{id} appends it; the engine checks the owner.
        log.append(String.valueOf(accountId), new CancelOrder(Command.UNSEQUENCED, 0, accountId, o.orderId(), 0));
        return CompletableFuture.supplyAsync(() -> present(m, List.of(awaitClosed(o))).getFirst(), WAITERS);
    }

    @Operation(summary = "Your open orders, in one market or all")
    @ApiDocs.ApiKeySigned
    @GetMapping("/openOrders")
    List<BinanceRecords.Order> openOrders(HttpServletRequest req) {
        BinanceParams p = BinanceParams.read(req);
        long accountId = auth(req, p, Permission.READ);
        String symbol = p.get("symbol");
        Integer marketId = symbol == null ? null : markets.market(symbol).marketId();
        return presentAll(accountOrders(accountId, true, marketId, MAX_LIST));
    }

    @Operation(summary = "Cancel all your open orders in one market; answers each order as it ended")
    @ApiDocs.ApiKeySigned
    @DeleteMapping("/openOrders")
    CompletableFuture<List<BinanceRecords.Order>> cancelAll(HttpServletRequest req) {
        BinanceParams p = BinanceParams.read(req);
        long accountId = auth(req, p, Permission.TRADE);
        Backends.Market m = markets.market(p.get("symbol"));
        List<BinanceOrders.Row> open = accountOrders(accountId, true, m.marketId(), MAX_LIST);
        log.append(String.valueOf(accountId), new CancelAll(Command.UNSEQUENCED, 0, accountId, m.marketId()));
        return CompletableFuture.supplyAsync(() -> present(m, open.stream().map(this::awaitClosed).toList()), WAITERS);
    }

    @Operation(summary = "Your orders in one market, newest last (limit default 500, at most 1000)")
    @ApiDocs.ApiKeySigned
    @GetMapping("/allOrders")
    List<BinanceRecords.Order> allOrders(HttpServletRequest req) {
        BinanceParams p = BinanceParams.read(req);
        long accountId = auth(req, p, Permission.READ);
        Backends.Market m = markets.market(p.get("symbol"));
        int limit = Math.clamp(Optional.ofNullable(p.getLong("limit")).orElse(500L), 1, MAX_LIST);
        List<BinanceOrders.Row> rows = new ArrayList<>(accountOrders(accountId, false, m.marketId(), limit));
        java.util.Collections.reverse(rows);
        return present(m, rows);
    }

    @Operation(summary = "Your trades in one market, oldest first (orderId, fromId, startTime/endTime; limit default 500, at most 1000)")
    @ApiDocs.ApiKeySigned
    @GetMapping("/myTrades")
    List<MyTrade> myTrades(HttpServletRequest req) {
        BinanceParams p = BinanceParams.read(req);
        long accountId = auth(req, p, Permission.READ);
        Backends.Market m = markets.market(p.get("symbol"));
        int limit = Math.clamp(Optional.ofNullable(p.getLong("limit")).orElse(500L), 1, MAX_LIST);
        return tape.ofAccount(accountId, m.marketId(), p.getLong("orderId"), p.getLong("fromId"), p.getLong("startTime"),
                p.getLong("endTime"), limit).stream().map(t -> {
                    boolean maker = t.makerAccountId() == accountId;
                    boolean buyer = maker != "BUY".equals(t.takerSide());
                    return new MyTrade(BinanceMarkets.symbol(m), t.tradeId(), maker ? t.makerOrderId() : t.takerOrderId(), -1,
                            BinanceMarkets.price(m, t.price()), BinanceMarkets.qty(m, t.qty()), BinanceMarkets.price(m, t.quoteAmount()),
                            BinanceMarkets.price(m, maker ? t.makerFee() : t.takerFee()), m.quote(), t.timeMs(), buyer, maker, true);
                }).toList();
    }

    // ------------------------------------------------------------------ order lookups

    private Optional<BinanceOrders.Row> find(long accountId, Backends.Market m, BinanceParams p) {
        Long orderId = p.getLong("orderId");
        String clientId = p.get("origClientOrderId");
        if (orderId == null && clientId == null) {
            throw BinanceException.badRequest(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
        }
        if (orderId == null) {
            orderId = jdbc.sql("SELECT order_id FROM api_client_orders WHERE account_id = ? AND client_order_id = ? AND order_id >= 0")
                    .params(accountId, clientId).query(Long.class).optional().orElse(null);
            if (orderId == null) return Optional.empty();
        }
        if (orderId < 0) return Optional.empty();
        // Another account's order, or one in another market, is reported exactly like a missing one.
        return backends.order(orderId).map(BinanceOrders.Row::of).filter(o -> o.accountId() == accountId && o.marketId() == m.marketId());
    }

    private List<BinanceOrders.Row> accountOrders(long accountId, boolean open, Integer marketId, int limit) {
        List<Map<String, Object>> raw = Backends.call(() -> backends.orders().get()
                .uri("/internal/accounts/{id}/orders?open={open}&limit={limit}", accountId, open, MAX_LIST).retrieve()
                .body(new ParameterizedTypeReference<List<Map<String, Object>>>() {}));
        return raw.stream().map(BinanceOrders.Row::of).filter(o -> marketId == null || o.marketId() == marketId).limit(limit).toList();
    }

    /** The order once it has left the book (or its last known state after {@link #VERDICT_WAIT_MS}). */
    private BinanceOrders.Row awaitClosed(BinanceOrders.Row o) {
        return awaitVerdict(o.orderId(), true).orElse(o);
    }

    private List<BinanceRecords.Order> presentAll(List<BinanceOrders.Row> rows) {
        List<BinanceRecords.Order> out = new ArrayList<>();
        Map<Integer, List<BinanceOrders.Row>> byMarket = new java.util.LinkedHashMap<>();
        for (BinanceOrders.Row r : rows) byMarket.computeIfAbsent(r.marketId(), k -> new ArrayList<>()).add(r);
        for (var e : byMarket.entrySet()) out.addAll(present(markets.byId(e.getKey()), e.getValue()));
        return out;
    }

    /** Orders in Binance's shape, with their client order ids and times from api_client_orders where placed here. */
    private List<BinanceRecords.Order> present(Backends.Market m, List<BinanceOrders.Row> rows) {
        if (rows.isEmpty()) return List.of();
        Map<Long, String> ids = new HashMap<>();
        Map<Long, Long> times = new HashMap<>();
        jdbc.sql("SELECT order_id, client_order_id, created_at_ms FROM api_client_orders WHERE order_id IN (:ids)")
                .param("ids", rows.stream().map(BinanceOrders.Row::orderId).toList())
                .query(rs -> {
                    ids.put(rs.getLong(1), rs.getString(2));
                    times.put(rs.getLong(1), rs.getLong(3));
                });
        return rows.stream().map(o -> {
            String clientId = ids.getOrDefault(o.orderId(), o.clientOrderId() == 0 ? "" : String.valueOf(o.clientOrderId()));
            Long time = times.get(o.orderId());
            Long updated = lastFillMs(o.orderId()).orElse(time);
            return BinanceOrders.view(m, o, clientId, time, updated, null, null);
        }).toList();
    }
}
