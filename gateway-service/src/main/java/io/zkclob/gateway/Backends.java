package io.zkclob.gateway;

import io.zkclob.support.ApiException;
import io.zkclob.support.ServiceToken;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/** The internal read APIs of order-service and ledger-service, and a short-lived cache of the markets and assets. */
@Component
class Backends {
    record Market(int marketId, String symbol, int baseAssetId, String base, int baseScale, int quoteAssetId, String quote,
                  int quoteScale, long tickSize, long lotSize, long minNotional, int makerFeePpm, int takerFeePpm,
                  String status) {}

    record Balance(int assetId, String asset, long available, long locked) {}

    private static final ParameterizedTypeReference<List<Market>> MARKETS = new ParameterizedTypeReference<>() {};
    private static final ParameterizedTypeReference<List<Balance>> BALANCES = new ParameterizedTypeReference<>() {};
    private final RestClient orders;
    private final RestClient ledger;
    private volatile List<Market> markets = List.of();
    private volatile long marketsAtMs;
    private static final ParameterizedTypeReference<List<Map<String, Object>>> ASSETS = new ParameterizedTypeReference<>() {};
    private volatile List<Map<String, Object>> assets = List.of();
    private volatile long assetsAtMs;

    private final AtomicBoolean marketsRefreshing = new AtomicBoolean();
    private final AtomicBoolean assetsRefreshing = new AtomicBoolean();

    private final LongSupplier clockMs;
    private final Executor refresher;

    @Autowired
    Backends(GatewayProperties props, ServiceToken token) {
        this(props, token, System::currentTimeMillis, Executors.newVirtualThreadPerTaskExecutor());
    }

    /**
     * {@code clockMs}: when the lists were last refreshed (tests step it); {@code refresher}: where a due refresh of a
     * list already known runs (tests run it on the caller's thread).
     */
    Backends(GatewayProperties props, ServiceToken token, LongSupplier clockMs, Executor refresher) {
        this.orders = token.client(props.orderServiceUrl());
        this.ledger = token.client(props.ledgerServiceUrl());
        this.clockMs = clockMs;
        this.refresher = refresher;
    }

    /**
     * The markets, refreshed from order-service about once a second. Only the first call waits for order-service;
     * after that a due refresh runs in the background (one at a time) and callers get the list already known: an
     * order never waits for an HTTP call (at 4,000 orders/s the refresh on the request path held every order that
     * arrived during it, once a second). A refresh that fails keeps the list already known: order entry must not
     * stop while a read-side service restarts (the crash test measured 28 s of 503 BACKEND_UNAVAILABLE on every
     * order while order-service restarted). The engine checks every order's market again, its status included,
     * so a list a few seconds stale can admit nothing the engine would not judge.
     */
    List<Market> markets() {
        if (markets.isEmpty()) refreshMarkets();
        else if (clockMs.getAsLong() - marketsAtMs > 1_000) refreshSoon(marketsRefreshing, this::refreshMarkets);
        return markets;
    }

    private void refreshMarkets() {
        try {
            markets = call(() -> orders.get().uri("/internal/markets").retrieve().body(MARKETS));
        } finally {
            marketsAtMs = clockMs.getAsLong(); // also after a failure: at most one attempt a second while it is down
        }
    }

    /** Runs {@code refresh} on the refresher unless one is already running; its failure keeps what is known. */
    private void refreshSoon(AtomicBoolean running, Runnable refresh) {
        if (!running.compareAndSet(false, true)) return;
        refresher.execute(() -> {
            try {
                refresh.run();
            } catch (ApiException e) {
                // order-service is down: the known list answers until a later refresh succeeds
            } finally {
                running.set(false);
            }
        });
    }

    Market market(String symbol) {
        // Exact match only: case folding maps "eth-usdt" and "ETH-UſDT" (long s) to ETH-USDT, more than one
        // spelling for one market.
        return markets().stream().filter(m -> m.symbol().equals(symbol)).findFirst()
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "UNKNOWN_MARKET", "no market " + symbol));
    }

    /** One order as order-service stores it, or empty when there is none. */
    Optional<Map<String, Object>> order(long orderId) {
        try {
            return Optional.ofNullable(orders.get().uri("/internal/orders/{id}", orderId).retrieve()
                    .body(new ParameterizedTypeReference<Map<String, Object>>() {}));
        } catch (HttpClientErrorException.NotFound e) {
            return Optional.empty();
        } catch (RestClientException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "BACKEND_UNAVAILABLE", "a backend service is unavailable; retry");
        }
    }

    /**
     * An account's orders as order-service stores them: the latest, newest first, or from {@code fromId} on, oldest
     * first; optionally only open ones or those with one clientOrderId.
     */
    List<Map<String, Object>> accountOrders(long accountId, boolean open, Long clientOrderId, Long fromId, int limit) {
        return call(() -> orders.get().uri(u -> {
            u.path("/internal/accounts/{id}/orders").queryParam("open", open).queryParam("limit", limit);
            if (clientOrderId != null) u.queryParam("clientOrderId", clientOrderId);
            if (fromId != null) u.queryParam("fromId", fromId);
            return u.build(accountId);
        }).retrieve().body(new ParameterizedTypeReference<List<Map<String, Object>>>() {}));
    }

    /**
     * The assets, like {@link #markets()}: refreshed at most once a second, the known list kept while order-service
     * is down (the crash test's withdrawals got 9,094 answers of 503 BACKEND_UNAVAILABLE in one order-service restart:
     * every withdrawal, balance and history request asked order-service for the assets). Assets are only ever added,
     * and the engine judges every withdrawal's asset again.
     */
    List<Map<String, Object>> assets() {
        return assets(false);
    }

    /**
     * One asset by its symbol, exactly. An unknown symbol refreshes the list first (an asset listed a moment ago is
     * found at once, as before the cache), unless order-service is down, where the known list answers.
     */
    Optional<Map<String, Object>> asset(String symbol) {
        Optional<Map<String, Object>> known = assets().stream().filter(a -> a.get("symbol").equals(symbol)).findFirst();
        return known.isPresent() ? known : assets(true).stream().filter(a -> a.get("symbol").equals(symbol)).findFirst();
    }

    private List<Map<String, Object>> assets(boolean refresh) {
        if (refresh || assets.isEmpty()) {
            try {
                refreshAssets();
            } catch (ApiException e) {
                if (assets.isEmpty()) throw e;
            }
        } else if (clockMs.getAsLong() - assetsAtMs > 1_000) {
            refreshSoon(assetsRefreshing, this::refreshAssets);
        }
        return assets;
    }

    private void refreshAssets() {
        try {
            List<Map<String, Object>> fresh = call(() -> orders.get().uri("/internal/assets").retrieve().body(ASSETS));
            if (fresh != null) assets = List.copyOf(fresh);
        } finally {
            assetsAtMs = clockMs.getAsLong(); // also after a failure: at most one attempt a second while it is down
        }
    }

    List<Balance> balances(long accountId) {
        return call(() -> ledger.get().uri("/internal/ledger/accounts/{id}/balances", accountId).retrieve().body(BALANCES));
    }

    long available(long accountId, int assetId) {
        return balances(accountId).stream().filter(b -> b.assetId() == assetId).mapToLong(Balance::available).findFirst().orElse(0);
    }

    RestClient orders() {
        return orders;
    }

    RestClient ledger() {
        return ledger;
    }

    static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (HttpClientErrorException.NotFound e) {
            throw new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "not found");
        } catch (RestClientException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "BACKEND_UNAVAILABLE", "a backend service is unavailable; retry");
        }
    }
}
