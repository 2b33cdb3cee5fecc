package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.zkclob.gateway.ApiDocs.Refused;
import io.zkclob.gateway.ApiDocs.Signed;
import io.zkclob.gateway.ApiRecords.*;
import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.*;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.OrderRejected;
import io.zkclob.contracts.RejectCode;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.engine.Exchange;
import io.zkclob.engine.Fees;
import io.zkclob.support.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.*;

/**
 * The public API under /api/v1. Private endpoints are signed (docs/api.md). Orders are checked against the
 * market's rules and the ledger's available balance before they enter the log, with the engine's reject
 * codes; the engine re-checks deterministically, and its verdict shows in the order's status.
 */
@RestController
@RequestMapping("/api/v1")
class TradingApi {
    @Schema(description = "A raw 32-byte Ed25519 public key, base64")
    /** The pattern is 32 bytes in canonical base64 (the last character's two unused bits zero), what Signatures takes. */
    record RegisterRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "a raw 32-byte Ed25519 public key, base64",
            pattern = "^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$", example = "QCAdPogu1CnkzgBYh7+n9x/n0QJB2uQ16+hu2IgTvdc=") String publicKey) {}

    @Schema(description = "An order. LIMIT takes price and qty; MARKET takes qty (SELL) or qty or quoteQty (BUY) and is IOC")
    record OrderRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "ETH-USDT") String market,
                        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"BUY", "SELL"}) String side,
                        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"LIMIT", "MARKET"}) String type,
                        @Schema(description = "default GTC for LIMIT, IOC for MARKET", allowableValues = {"GTC", "IOC", "FOK", "POST_ONLY"})
                        String timeInForce,
                        @Schema(description = "decimal, a multiple of the tick size", example = "3000") String price,
                        @Schema(description = "decimal base quantity, a multiple of the lot size", example = "0.5") String qty,
                        @Schema(description = "decimal quote amount to spend (MARKET BUY only)", example = "1500") String quoteQty,
                        @Schema(description = "your idempotency key (positive; 0 or left out: none): a retry answers the original order",
                                minimum = "0", example = "7")
                        Long clientOrderId) {}

    @Schema(description = "A withdrawal from your available balance")
    record WithdrawRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "USDT") String asset,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "100") String amount) {}

    /**
     * How long a placement with a clientOrderId waits for the engine's verdict before it is answered with its
     * seq alone (the verdict then shows in the order's status): the feed can lag, e.g. replaying after a restart.
     */
    static final long VERDICT_WAIT_MS = 5_000;
    private final Signatures signatures;
    private final Backends backends;
    private final CommandLog log;
    private final JdbcClient jdbc;
    private final FundsView funds;
    private final OrderVerdicts verdicts;

    TradingApi(Signatures signatures, Backends backends, CommandLog log, JdbcClient jdbc, FundsView funds,
               OrderVerdicts verdicts) {
        this.signatures = signatures;
        this.backends = backends;
        this.log = log;
        this.jdbc = jdbc;
        this.funds = funds;
        this.verdicts = verdicts;
    }

    /** A valid order and what it will hold (the engine's formula), before the funds check. */
    record Checked(PlaceOrder command, int holdAssetId, String holdAsset, long hold) {}

    static ApiException reject(String code, String message) {
        return new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, code, message);
    }

    /** A request body as a record, or 400 MALFORMED_REQUEST (see {@link RequestJson}). */
    static <T> T parse(byte[] body, Class<T> type) {
        return RequestJson.read(body, type);
    }

    /**
     * What a signed request's authentication reads (docs/api.md, Signing), whichever server read the request: Tomcat
     * on the HTTP port, or the order-entry port's event loop ({@link RestOrderEntry}).
     */
    record SignedRequest(String accountId, String timestampMs, String signature, String method, String pathAndQuery) {
        static SignedRequest of(HttpServletRequest req) {
            String q = req.getQueryString();
            return new SignedRequest(req.getHeader("X-Account-Id"), req.getHeader("X-Timestamp"), req.getHeader("X-Signature"),
                    req.getMethod(), req.getRequestURI() + (q == null ? "" : "?" + q));
        }
    }

    private long auth(HttpServletRequest req, byte[] body) {
        return auth(SignedRequest.of(req), body);
    }

    private long auth(SignedRequest s, byte[] body) {
        return signatures.authenticate(s.accountId(), s.timestampMs(), s.signature(), s.method(), s.pathAndQuery(),
                body == null ? new byte[0] : body);
    }

    // ------------------------------------------------------------------ public

    @Operation(summary = "Register an account with a raw Ed25519 public key (base64)", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = RegisterRequest.class))),
            responses = {@ApiResponse(responseCode = "201", description = "registered now", useReturnTypeSchema = true),
                    @ApiResponse(responseCode = "200", description = "this key was already registered", useReturnTypeSchema = true)})
    @Refused(status = 400, codes = {"INVALID_PUBLIC_KEY"})
    @Refused(status = 409, codes = {"ACCOUNTS_EXHAUSTED"})
    @PostMapping("/accounts")
    ResponseEntity<AccountCreated> register(@RequestBody byte[] body) {
        RegisterRequest r = parse(body, RegisterRequest.class);
        if (r.publicKey() == null) throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "publicKey is required");
        Signatures.parseKey(r.publicKey());
        Long existing = jdbc.sql("SELECT account_id FROM accounts WHERE public_key = ?").param(r.publicKey()).query(Long.class)
                .optional().orElse(null);
        if (existing != null) return ResponseEntity.ok(new AccountCreated(existing));
        long id;
        try {
            id = jdbc.sql("INSERT INTO accounts (public_key) VALUES (?) ON CONFLICT (public_key) DO UPDATE SET public_key = EXCLUDED.public_key"
                    + " RETURNING account_id").param(r.publicKey()).query(Long.class).single();
        } catch (DataAccessException e) {
            if (!sequenceExhausted(e)) throw e;
            // The sequence stops at the engine's last account id (V4_1): no retry can succeed, so this is no 5xx.
            throw new ApiException(HttpStatus.CONFLICT, "ACCOUNTS_EXHAUSTED",
                    "every account id the engine has (1 to " + AdminApi.MAX_ACCOUNT_ID + ") is taken; no account can be registered");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(new AccountCreated(id));
    }

    /** PostgreSQL's "nextval: reached maximum value of sequence" (SQLSTATE 2200H, sequence_generator_limit_exceeded). */
    static boolean sequenceExhausted(DataAccessException e) {
        return NestedExceptionUtils.getMostSpecificCause(e) instanceof SQLException sql && "2200H".equals(sql.getSQLState());
    }

    @Operation(summary = "Markets, their rules (decimal strings) and their assets' scales")
    @GetMapping("/markets")
    List<Market> markets() {
        return backends.markets().stream().map(TradingApi::marketView).toList();
    }

    /** The engine's price filter (docs/engine-spec.md §1) in quote units: MAX_PRICE_TICKS ticks, or the largest long. */
    static long maxPrice(long tickSize) {
        return Exchange.MAX_PRICE_TICKS > Long.MAX_VALUE / tickSize ? Long.MAX_VALUE / tickSize * tickSize
                : Exchange.MAX_PRICE_TICKS * tickSize;
    }

    static Market marketView(Backends.Market m) {
        return new Market(m.symbol(), m.marketId(), m.base(), m.quote(), m.baseScale(), m.quoteScale(),
                Units.format(m.tickSize(), m.quoteScale()), Units.format(m.lotSize(), m.baseScale()),
                Units.format(m.minNotional(), m.quoteScale()), m.makerFeePpm(), m.takerFeePpm(), m.status());
    }

    @Operation(summary = "Order book depth: aggregated price levels, best first (levels: 1 to 500)")
    @Refused(status = 404, codes = {"UNKNOWN_MARKET"})
    @GetMapping("/markets/{symbol}/depth")
    Depth depth(@PathVariable String symbol, @RequestParam(defaultValue = "20") int levels) {
        Backends.Market m = backends.market(symbol);
        Map<String, Object> raw = Backends.call(() -> backends.orders().get()
                .uri("/internal/markets/{id}/depth?levels={n}", m.marketId(), levels).retrieve()
                .body(new ParameterizedTypeReference<Map<String, Object>>() {}));
        return new Depth(m.symbol(), ((Number) raw.get("throughSeq")).longValue(), levels(raw.get("bids"), m), levels(raw.get("asks"), m));
    }

    private static List<List<String>> levels(Object raw, Backends.Market m) {
        @SuppressWarnings("unchecked") List<List<Number>> rows = (List<List<Number>>) raw;
        return rows.stream().map(r -> List.of(Units.format(r.get(0).longValue(), m.quoteScale()),
                Units.format(r.get(1).longValue(), m.baseScale()))).toList();
    }

    // ------------------------------------------------------------------ private: orders

    @Operation(summary = "Place an order (signed). Returns the order id = its position in the command log", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = OrderRequest.class))),
            responses = @ApiResponse(responseCode = "202", description = "sequenced", useReturnTypeSchema = true))
    @Signed
    @Refused(status = 404, codes = {"UNKNOWN_MARKET"})
    @Refused(status = 422, codes = {"INSUFFICIENT_FUNDS", "INVALID_TICK", "INVALID_LOT", "INVALID_AMOUNT", "AMOUNT_OVERFLOW",
            "BELOW_MIN_NOTIONAL", "INVALID_ORDER_TYPE", "MARKET_HALTED"})
    @PostMapping("/orders")
    CompletableFuture<ResponseEntity<OrderAck>> place(@RequestBody(required = false) byte[] body, HttpServletRequest req) {
        // PlaceOrderFilter serves this endpoint without Spring MVC and hands over only its refusals, to be answered here
        // as every other refusal is (ProblemHandler, RateLimitAdvice).
        if (req.getAttribute(PlaceOrderFilter.REFUSAL) instanceof RuntimeException refused) throw refused;
        return placeOrder(body, req);
    }

    /** POST /api/v1/orders: authenticated, read and submitted (for this endpoint and for {@link PlaceOrderFilter}). */
    CompletableFuture<ResponseEntity<OrderAck>> placeOrder(byte[] body, HttpServletRequest req) {
        return placeOrder(body, SignedRequest.of(req));
    }

    /** The same, whichever server read the request. */
    CompletableFuture<ResponseEntity<OrderAck>> placeOrder(byte[] body, SignedRequest signed) {
        long accountId = auth(signed, body);
        return submit(accountId, parse(body, OrderRequest.class));
    }

    @Schema(description = "1 to 50 orders under one signature")
    record BatchRequest(@ArraySchema(arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED), minItems = 1,
            maxItems = MAX_BATCH_ORDERS) List<OrderRequest> orders) {}

    static final int MAX_BATCH_ORDERS = 50;

    @Operation(summary = "Place up to 50 orders under one signature; each is answered with its own result, in order",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = "application/json", schema = @Schema(implementation = BatchRequest.class))))
    @Signed
    @PostMapping("/orders/batch")
    CompletableFuture<BatchAck> placeBatch(@RequestBody(required = false) byte[] body, HttpServletRequest req) {
        return placeBatch(body, SignedRequest.of(req));
    }

    /** POST /api/v1/orders/batch, whichever server read the request. */
    CompletableFuture<BatchAck> placeBatch(byte[] body, SignedRequest signed) {
        long accountId = auth(signed, body);
        BatchRequest batch = parse(body, BatchRequest.class);
        if (batch.orders() == null || batch.orders().isEmpty() || batch.orders().size() > MAX_BATCH_ORDERS) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "orders: 1 to " + MAX_BATCH_ORDERS + " orders");
        }
        // The document's shape is checked first, for the whole batch: an order without market, side or type, or with
        // a value outside their enumerations, refuses the batch (400) rather than becoming one more result (the
        // fuzzer's conformance check found such a batch answered 200).
        for (int i = 0; i < batch.orders().size(); i++) wellFormed(batch.orders().get(i), i);
        // Not all-or-nothing: each order is checked, reserved and appended on its own (the appends share the
        // producer's batches), and its result is what a single POST /orders would have answered.
        List<CompletableFuture<BatchItem>> results = new java.util.ArrayList<>();
        for (OrderRequest r : batch.orders()) {
            CompletableFuture<ResponseEntity<OrderAck>> one;
            try {
                if (r == null) throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "an order is null");
                one = submit(accountId, r);
            } catch (ApiException e) {
                one = CompletableFuture.failedFuture(e);
            }
            results.add(one.handle((ok, error) -> error == null ? withStatusCode(ok) : refusal(CommandLog.cause(error))));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> new BatchAck(results.stream().map(CompletableFuture::join).toList()));
    }

    private static final java.util.Set<String> SIDES = java.util.Set.of("BUY", "SELL");
    private static final java.util.Set<String> TYPES = java.util.Set.of("LIMIT", "MARKET");
    private static final java.util.Set<String> TIME_IN_FORCE = java.util.Set.of("GTC", "IOC", "FOK", "POST_ONLY");

    static final String CLIENT_ORDER_ID_RULE = "clientOrderId must be positive (0: none)";

    /**
     * The OrderRequest schema's minimum 0 for clientOrderId, for one order and for each of a batch (the strict long
     * fuzz run found a batch with clientOrderId -1 answered 200, its one result a 400).
     */
    static boolean clientOrderIdWellFormed(Long clientOrderId) {
        return clientOrderId == null || clientOrderId >= 0;
    }

    /** What the OrderRequest schema requires of a batch's order (its rules are judged per order, later). */
    static void wellFormed(OrderRequest r, int index) {
        String problem = r == null ? "is null"
                : r.market() == null || r.side() == null || r.type() == null ? "needs market, side and type"
                : !SIDES.contains(r.side()) ? "side is BUY or SELL"
                : !TYPES.contains(r.type()) ? "type is LIMIT or MARKET"
                : r.timeInForce() != null && !TIME_IN_FORCE.contains(r.timeInForce()) ? "timeInForce is GTC, IOC, FOK or POST_ONLY"
                : !clientOrderIdWellFormed(r.clientOrderId()) ? CLIENT_ORDER_ID_RULE
                : !Units.wellFormed(r.price()) || !Units.wellFormed(r.qty()) || !Units.wellFormed(r.quoteQty())
                        ? "amounts are decimal strings of ASCII digits, e.g. \"0.5\""
                : null;
        if (problem != null) throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "orders[" + index + "] " + problem);
    }

    private static BatchItem withStatusCode(ResponseEntity<OrderAck> answer) {
        OrderAck a = answer.getBody();
        return new BatchItem(answer.getStatusCode().value(), a.orderId(), a.clientOrderId(), a.status(), a.duplicate(), null, null);
    }

    private static BatchItem refusal(ApiException e) {
        return new BatchItem(e.status().value(), null, null, null, null, e.code(), e.getMessage());
    }

    /**
     * One order of an authenticated account: checked, funds reserved, appended; completes with its answer. With a
     * clientOrderId the answer waits for the engine's verdict: a repeat of an accepted order (a retry, whatever
     * failed before it) is rejected by the engine with the original orderId (docs/engine-spec.md §3.3), and the
     * retry is answered with that order, never placed twice. Nothing is written on this path.
     */
    CompletableFuture<ResponseEntity<OrderAck>> submit(long accountId, OrderRequest r) {
        Checked checked = validate(accountId, r);
        PlaceOrder cmd = checked.command();
        long clientOrderId = cmd.clientOrderId();
        FundsView.Reservation held = reserveFunds(accountId, checked.holdAssetId(), checked.hold(),
                "available " + checked.holdAsset() + " does not cover the hold");
        CompletableFuture<Long> appended;
        try {
            // No thread waits for the append: the request completes from the producer's callback (Spring MVC async).
            appended = log.appendAsync(String.valueOf(accountId), cmd);
        } catch (RuntimeException e) {
            cancel(held);
            throw e;
        }
        appended.whenComplete((seq, error) -> {
            if (held == null) return;
            if (error == null) funds.sequenced(held, seq);
            else funds.cancel(held);
        });
        if (clientOrderId == 0) return appended.thenApply(seq -> sequenced(seq, 0));
        return appended.thenCompose(seq -> verdicts.await(seq, VERDICT_WAIT_MS)
                .thenApply(verdict -> placed(seq, clientOrderId, verdict)));
    }

    /** The answer to a placement with a clientOrderId, given the engine's verdict (null: not known in time). */
    static ResponseEntity<OrderAck> placed(long seq, long clientOrderId, Event verdict) {
        if (verdict instanceof OrderRejected rejected && rejected.code() == RejectCode.DUPLICATE_CLIENT_ORDER_ID
                && rejected.existingOrderId() != 0) {
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(new OrderAck(rejected.existingOrderId(), clientOrderId, "SEQUENCED", true));
        }
        return sequenced(seq, clientOrderId);
    }

    /**
     * The funds check: the gateway's in-memory view of available balances less its in-flight reservations
     * ({@link FundsView}); the reservation returned is released when the engine's verdict reaches the view.
     * Until the view has replayed the log as it was when the gateway started, the ledger answers instead (one
     * HTTP call per request, as before, and no reservation): a restarted gateway serves at once rather than
     * answering 503 for the replay's duration; the engine re-checks either way. Returns null in that case.
     */
    FundsView.Reservation reserveFunds(long accountId, int assetId, long amount, String refusal) {
        if (funds.caughtUp()) return funds.reserve(accountId, assetId, amount, refusal);
        long available = backends.available(accountId, assetId);
        if (available <= 0 || available < amount) throw reject("INSUFFICIENT_FUNDS", refusal);
        return null;
    }

    private void cancel(FundsView.Reservation held) {
        if (held != null) funds.cancel(held);
    }

    private static ResponseEntity<OrderAck> sequenced(long seq, long clientOrderId) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new OrderAck(seq, clientOrderId, "SEQUENCED", null));
    }

    /** The engine's checks that need no engine state; the funds check follows ({@link #reserveFunds}). */
    Checked validate(long accountId, OrderRequest r) {
        if (r.market() == null || r.side() == null || r.type() == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "market, side and type are required");
        }
        Backends.Market m = backends.market(r.market());
        if (!"ACTIVE".equals(m.status())) throw reject("MARKET_HALTED", "market " + m.symbol() + " is halted");
        Side side = parseEnum(Side.class, r.side(), "side");
        OrderType type = parseEnum(OrderType.class, r.type(), "type");
        TimeInForce tif = r.timeInForce() == null ? (type == OrderType.MARKET ? TimeInForce.IOC : TimeInForce.GTC)
                : parseEnum(TimeInForce.class, r.timeInForce(), "timeInForce");
        long clientOrderId = r.clientOrderId() == null ? 0 : r.clientOrderId();
        if (!clientOrderIdWellFormed(r.clientOrderId())) throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", CLIENT_ORDER_ID_RULE);
        long price = Units.parse(r.price(), m.quoteScale(), "price", "INVALID_TICK");
        long qty = Units.parse(r.qty(), m.baseScale(), "qty", "INVALID_LOT");
        long quoteQty = Units.parse(r.quoteQty(), m.quoteScale(), "quoteQty", "INVALID_AMOUNT");
        long hold;
        if (type == OrderType.LIMIT) {
            if (quoteQty != 0) throw reject("INVALID_ORDER_TYPE", "limit orders take price and qty, not quoteQty");
            if (price <= 0 || qty <= 0) throw reject("INVALID_AMOUNT", "price and qty must be positive");
            if (price % m.tickSize() != 0) throw reject("INVALID_TICK", "price must be a multiple of the tick size " + Units.format(m.tickSize(), m.quoteScale()));
            if (price / m.tickSize() > Exchange.MAX_PRICE_TICKS) {
                throw reject("INVALID_TICK", "price must be at most " + Units.format(maxPrice(m.tickSize()), m.quoteScale()));
            }
            if (qty % m.lotSize() != 0) throw reject("INVALID_LOT", "qty must be a multiple of the lot size " + Units.format(m.lotSize(), m.baseScale()));
            long quotePerTickLot = m.tickSize() * m.lotSize() / pow10(m.baseScale());
            long notional;
            try {
                notional = Math.multiplyExact(Math.multiplyExact(price / m.tickSize(), qty / m.lotSize()), quotePerTickLot);
                hold = side == Side.BUY ? Fees.buyHold(price / m.tickSize(), qty / m.lotSize(), quotePerTickLot,
                        Math.max(m.makerFeePpm(), m.takerFeePpm())) : qty;
            } catch (ArithmeticException e) {
                throw reject("AMOUNT_OVERFLOW", "price x qty is too large");
            }
            if (notional < m.minNotional()) throw reject("BELOW_MIN_NOTIONAL", "price x qty is below " + Units.format(m.minNotional(), m.quoteScale()));
        } else {
            if (tif != TimeInForce.IOC || price != 0) throw reject("INVALID_ORDER_TYPE", "market orders are IOC and carry no price");
            if (side == Side.SELL && (quoteQty != 0 || qty == 0)) throw reject("INVALID_ORDER_TYPE", "a market sell takes qty");
            if (side == Side.BUY && (qty == 0) == (quoteQty == 0)) throw reject("INVALID_ORDER_TYPE", "a market buy takes either qty or quoteQty");
            if (qty % m.lotSize() != 0) throw reject("INVALID_LOT", "qty must be a multiple of the lot size");
            if (quoteQty != 0 && quoteQty < m.minNotional()) throw reject("BELOW_MIN_NOTIONAL", "quoteQty is below the minimum notional");
            hold = side == Side.SELL ? qty : quoteQty; // a market buy by qty may spend up to all available quote
        }
        PlaceOrder command = new PlaceOrder(Command.UNSEQUENCED, 0, accountId, m.marketId(), clientOrderId, side, type, tif, price, qty, quoteQty);
        return side == Side.BUY ? new Checked(command, m.quoteAssetId(), m.quote(), hold) : new Checked(command, m.baseAssetId(), m.base(), hold);
    }

    private static long pow10(int n) {
        long v = 1;
        for (int i = 0; i < n; i++) v *= 10;
        return v;
    }

    static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String field) {
        try {
            // Exact names only: toUpperCase would also map "ſell" (long s) to SELL, a second spelling of one value.
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", field + " must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    @Operation(summary = "One of your orders, by order id")
    @Signed
    @Refused(status = 404, codes = {"ORDER_NOT_FOUND"})
    // An integer only, so that /orders/batch is not also "an order" (OPTIONS /orders/batch listed GET and DELETE in
    // Allow, which the document does not have there; the fuzzer's conformance check).
    @GetMapping("/orders/{orderId:-?[0-9]+}")
    Order order(@PathVariable long orderId, HttpServletRequest req) {
        return orderOf(auth(req, null), orderId);
    }

    /** One order of an authenticated account (REST and WebSocket). */
    Order orderOf(long accountId, long orderId) {
        // Another account's order is reported exactly like a missing one (same status, code and detail): ids
        // reveal nothing.
        Map<String, Object> o = backends.order(orderId).filter(x -> ((Number) x.get("accountId")).longValue() == accountId)
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "ORDER_NOT_FOUND", "no order " + orderId));
        return present(o);
    }

    /** Orders a page holds at most (order-service's own bound). */
    static final int MAX_ORDERS_PAGE = 1_000;

    @Operation(summary = "Your orders: without fromId the latest `limit`, newest first; with fromId those with orderId >= fromId,"
            + " oldest first (page on with the last orderId + 1). open=true for open ones; clientOrderId to find one")
    @Signed
    @GetMapping("/orders")
    List<Order> orders(@RequestParam(defaultValue = "false") boolean open, @RequestParam(required = false) Long clientOrderId,
                       @RequestParam(required = false) @Schema(minimum = MarketDataApi.FIRST_SEQ) Long fromId,
                       @RequestParam(defaultValue = "100") @Schema(minimum = "1", maximum = "1000") int limit, HttpServletRequest req) {
        return ordersOf(auth(req, null), open, clientOrderId, fromId, limit);
    }

    /** An authenticated account's latest orders, newest first (WebSocket). */
    List<Order> ordersOf(long accountId, boolean open, Long clientOrderId) {
        return ordersOf(accountId, open, clientOrderId, null, 100);
    }

    /** An authenticated account's orders (REST and WebSocket): a page from fromId on, or the latest. */
    List<Order> ordersOf(long accountId, boolean open, Long clientOrderId, Long fromId, int limit) {
        if (limit < 1 || limit > MAX_ORDERS_PAGE) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "limit is 1 to " + MAX_ORDERS_PAGE);
        }
        return backends.accountOrders(accountId, open, clientOrderId, MarketDataApi.fromId(fromId, MarketDataApi.FIRST_SEQ), limit).stream().map(this::present).toList();
    }

    private Order present(Map<String, Object> o) {
        int marketId = ((Number) o.get("marketId")).intValue();
        Backends.Market m = backends.markets().stream().filter(x -> x.marketId() == marketId).findFirst().orElse(null);
        // A rejected order whose command could not be read back has no price or quantities (null, never 0).
        int quoteScale = m == null ? 0 : m.quoteScale();
        int baseScale = m == null ? 0 : m.baseScale();
        return new Order(number(o, "orderId"), number(o, "accountId"), m == null ? null : m.symbol(), marketId, number(o, "clientOrderId"),
                (String) o.get("side"), (String) o.get("orderType"), (String) o.get("tif"), amount(o, "price", quoteScale),
                amount(o, "qty", baseScale), amount(o, "quoteQty", quoteScale), amount(o, "filledQty", baseScale),
                amount(o, "filledQuote", quoteScale), amount(o, "feesPaid", quoteScale), (String) o.get("status"),
                (String) o.get("rejectCode"), (String) o.get("cancelReason"), number(o, "updatedSeq"), time(o, "createdAtMs"),
                time(o, "updatedAtMs"));
    }

    private static long number(Map<String, Object> o, String field) {
        return o.get(field) instanceof Number n ? n.longValue() : 0;
    }

    private static Long time(Map<String, Object> o, String field) {
        return o.get(field) instanceof Number n ? n.longValue() : null;
    }

    private static String amount(Map<String, Object> o, String field, int scale) {
        return o.get(field) instanceof Number n ? Units.format(n.longValue(), scale) : null;
    }

    @Operation(summary = "Cancel one of your orders", responses = @ApiResponse(responseCode = "202", description = "sequenced",
            useReturnTypeSchema = true))
    @Signed
    @Refused(status = 404, codes = {"ORDER_NOT_FOUND"})
    @DeleteMapping("/orders/{orderId:-?[0-9]+}")
    ResponseEntity<CancelAck> cancel(@PathVariable long orderId, HttpServletRequest req) {
        long accountId = auth(req, null);
        long seq = log.append(String.valueOf(accountId), cancelCommand(accountId, orderId));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(cancelSequenced(orderId, seq));
    }

    @Operation(summary = "Cancel one of your orders by the clientOrderId it was placed with", responses = @ApiResponse(
            responseCode = "202", description = "sequenced", useReturnTypeSchema = true))
    @Signed
    @Refused(status = 404, codes = {"ORDER_NOT_FOUND"})
    @DeleteMapping("/orders/by-client-id/{clientOrderId}")
    ResponseEntity<CancelAck> cancelByClientOrderId(@PathVariable long clientOrderId, HttpServletRequest req) {
        long accountId = auth(req, null);
        long orderId = orderIdOf(accountId, clientOrderId);
        long seq = log.append(String.valueOf(accountId), cancelCommand(accountId, orderId));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(cancelSequenced(orderId, seq));
    }

    /**
     * The order a clientOrderId names: the one the engine accepted with it (a repeat of the id is rejected as a
     * duplicate, so at most one was accepted among the account's latest 64 ids).
     */
    long orderIdOf(long accountId, long clientOrderId) {
        if (clientOrderId <= 0) throw new ApiException(HttpStatus.NOT_FOUND, "ORDER_NOT_FOUND", "no order with clientOrderId " + clientOrderId);
        return ordersOf(accountId, false, clientOrderId, null, MAX_ORDERS_PAGE).stream()
                .filter(o -> !"REJECTED".equals(o.status())).findFirst().map(Order::orderId)
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "ORDER_NOT_FOUND", "no order with clientOrderId " + clientOrderId));
    }

    static CancelOrder cancelCommand(long accountId, long orderId) {
        // Order ids are log offsets: a negative one can name no order, so it never reaches the log.
        if (orderId < 0) throw new ApiException(HttpStatus.NOT_FOUND, "ORDER_NOT_FOUND", "no order " + orderId);
        return new CancelOrder(Command.UNSEQUENCED, 0, accountId, orderId, 0);
    }

    static CancelAck cancelSequenced(long orderId, long seq) {
        return new CancelAck(orderId, seq, "CANCEL_SEQUENCED");
    }

    @Operation(summary = "Cancel all your open orders, optionally in one market", responses = @ApiResponse(responseCode = "202",
            description = "sequenced", useReturnTypeSchema = true))
    @Signed
    @Refused(status = 404, codes = {"UNKNOWN_MARKET"})
    @DeleteMapping("/orders")
    ResponseEntity<CancelAllAck> cancelAll(@RequestParam(required = false) String market, HttpServletRequest req) {
        long accountId = auth(req, null);
        long seq = log.append(String.valueOf(accountId), cancelAllCommand(accountId, market));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(cancelAllSequenced(seq));
    }

    /** All the account's open orders, or those in one market (null: every market). */
    CancelAll cancelAllCommand(long accountId, String market) {
        int marketId = market == null ? 0 : backends.market(market).marketId();
        return new CancelAll(Command.UNSEQUENCED, 0, accountId, marketId);
    }

    static CancelAllAck cancelAllSequenced(long seq) {
        return new CancelAllAck(seq, "CANCEL_ALL_SEQUENCED");
    }

    // ------------------------------------------------------------------ private: funds

    @Operation(summary = "Your balances: available and locked (held by open orders)")
    @Signed
    @GetMapping("/balances")
    List<Balance> balances(HttpServletRequest req) {
        long accountId = auth(req, null);
        Map<Integer, Integer> scales = new java.util.HashMap<>();
        for (Map<String, Object> a : backends.assets()) scales.put(((Number) a.get("assetId")).intValue(), ((Number) a.get("scale")).intValue());
        return backends.balances(accountId).stream().map(b -> new Balance(b.asset(),
                Units.format(b.available(), scales.getOrDefault(b.assetId(), 0)),
                Units.format(b.locked(), scales.getOrDefault(b.assetId(), 0)))).toList();
    }

    @Operation(summary = "Withdraw from your available balance (sequenced: it can never spend funds held by orders)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = "application/json", schema = @Schema(implementation = WithdrawRequest.class))),
            responses = @ApiResponse(responseCode = "202", description = "sequenced", useReturnTypeSchema = true))
    @Signed
    @Refused(status = 422, codes = {"UNKNOWN_ASSET", "INVALID_AMOUNT", "AMOUNT_OVERFLOW", "INSUFFICIENT_FUNDS"})
    @PostMapping("/withdrawals")
    ResponseEntity<Sequenced> withdraw(@RequestBody(required = false) byte[] body, HttpServletRequest req) {
        long accountId = auth(req, body);
        WithdrawRequest r = parse(body, WithdrawRequest.class);
        Map<String, Object> asset = backends.asset(r.asset())
                .orElseThrow(() -> reject("UNKNOWN_ASSET", "no asset " + r.asset()));
        int assetId = ((Number) asset.get("assetId")).intValue();
        long amount = Units.parse(r.amount(), ((Number) asset.get("scale")).intValue(), "amount", "INVALID_AMOUNT");
        if (amount <= 0) throw reject("INVALID_AMOUNT", "amount must be positive");
        FundsView.Reservation held = reserveFunds(accountId, assetId, amount,
                "available " + r.asset() + " is less than " + r.amount());
        long seq;
        try {
            seq = log.append(String.valueOf(accountId), new Withdraw(Command.UNSEQUENCED, 0, accountId, assetId, amount));
        } catch (RuntimeException e) {
            cancel(held);
            throw e;
        }
        if (held != null) funds.sequenced(held, seq);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Sequenced(seq, "SEQUENCED"));
    }
}
