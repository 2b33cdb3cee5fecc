package io.zkclob.gateway;

import io.zkclob.support.ApiException;
import io.zkclob.support.ServiceToken;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
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

    private final LongSupplier clockMs;

    @Autowired
    Backends(GatewayProperties props, ServiceToken token) {
        this(props, token, System::currentTimeMillis);
    }

    /** {@code clockMs}: when the market list was last refreshed (tests step it). */
    Backends(GatewayProperties props, ServiceToken token, LongSupplier clockMs) {
        this.orders = token.client(props.orderServiceUrl());
        this.ledger = token.client(props.ledgerServiceUrl());
        this.clockMs = clockMs;
    }

    /**
     * The markets, refreshed from order-service at most once a second. A refresh that fails keeps the list already
     * known: order entry must not stop while a read-side service restarts (the crash test measured 28 s of
     * 503 BACKEND_UNAVAILABLE on every order while order-service restarted). The engine checks every order's market
     * again, its status included, so a list a few seconds stale can admit nothing the engine would not judge.
     */
    List<Market> markets() {
        long now = clockMs.getAsLong();
        if (now - marketsAtMs > 1_000 || markets.isEmpty()) {
            try {
                markets = call(() -> orders.get().uri("/internal/markets").retrieve().body(MARKETS));
            } catch (ApiException e) {
                if (markets.isEmpty()) throw e;
            }
            marketsAtMs = now; // also after a failure: at most one attempt a second while order-service is down
        }
        return markets;
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
        long now = clockMs.getAsLong();
        if (refresh || now - assetsAtMs > 1_000 || assets.isEmpty()) {
            try {
                List<Map<String, Object>> fresh = call(() -> orders.get().uri("/internal/assets").retrieve().body(ASSETS));
                if (fresh != null) assets = List.copyOf(fresh);
            } catch (ApiException e) {
                if (assets.isEmpty()) throw e;
            }
            assetsAtMs = now; // also after a failure: at most one attempt a second while order-service is down
        }
        return assets;
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

    static <T> T call(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (HttpClientErrorException.NotFound e) {
            throw new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "not found");
        } catch (RestClientException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "BACKEND_UNAVAILABLE", "a backend service is unavailable; retry");
        }
    }
}
