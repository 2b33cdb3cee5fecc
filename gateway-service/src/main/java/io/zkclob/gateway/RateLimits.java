package io.zkclob.gateway;

import io.zkclob.support.ApiException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The gateway's rate limits (docs/api.md, Rate limits; {@code gateway.rate-limit.*}): one token bucket per source
 * address, charged by {@link RateLimitFilter} for every HTTP request and by the WebSocket endpoint for every message,
 * and one per account, charged once a request's signature has verified (a forged {@code X-Account-Id} costs the
 * sender's address, never the named account's budget). REST, the Binance layer and the WebSocket session share the
 * account's bucket. A refusal is {@link Refused}: 429 {@code RATE_LIMITED} with the wait until a retry can pass.
 */
@Component
public class RateLimits {
    public static final String CODE = "RATE_LIMITED";
    /** The user property under which a WebSocket connection finds the address it was opened from. */
    public static final String WS_ADDRESS_PROPERTY = "io.zkclob.gateway.remoteAddress";
    /** The address of the request being upgraded to a WebSocket on this thread (set by {@link RateLimitFilter}). */
    static final ThreadLocal<String> HANDSHAKE_ADDRESS = new ThreadLocal<>();
    /** Longer text than any address literal (45 for IPv6 with IPv4 inside) is cut: a forwarded header is not a key. */
    private static final int MAX_ADDRESS_CHARS = 64;
    private final GatewayProperties.RateLimit config;
    private final LongSupplier nanoTime;
    private final RateLimiter<String> addresses;
    private final RateLimiter<Long> accounts;

    @Autowired
    RateLimits(GatewayProperties props) {
        this(props.rateLimit(), System::nanoTime);
    }

    RateLimits(GatewayProperties.RateLimit config, LongSupplier nanoTime) {
        this.config = config;
        this.nanoTime = nanoTime;
        this.addresses = new RateLimiter<>(new RateLimiter.Limit(config.addressPerSecond(), config.addressBurst()),
                config.maxTrackedKeys(), nanoTime);
        this.accounts = new RateLimiter<>(new RateLimiter.Limit(config.accountPerSecond(), config.accountBurst()),
                config.maxTrackedKeys(), nanoTime);
    }

    /** Limits from explicit figures and a clock (tests; the gateway's own come from its properties). */
    public static RateLimits of(double addressPerSecond, double addressBurst, double accountPerSecond, double accountBurst,
                                int maxTrackedKeys, int wsRefusalsBeforeClose, LongSupplier nanoTime) {
        return new RateLimits(new GatewayProperties.RateLimit(addressPerSecond, addressBurst, accountPerSecond, accountBurst,
                maxTrackedKeys, wsRefusalsBeforeClose), nanoTime);
    }

    /** No limits at all: for tests of other things. */
    static RateLimits unlimited() {
        return new RateLimits(new GatewayProperties.RateLimit(0, 0, 0, 0, RateLimiter.STRIPES, 0), System::nanoTime);
    }

    /** A request refused by a limit: 429, code RATE_LIMITED, and how long to wait (Retry-After, in whole seconds). */
    public static final class Refused extends ApiException {
        private final long retryAfterMs;

        Refused(String what, long waitNanos) {
            super(HttpStatus.TOO_MANY_REQUESTS, CODE, "too many requests from this " + what + "; retry after "
                    + Math.max(1, Math.ceilDiv(waitNanos, 1_000_000)) + " ms (docs/api.md, Rate limits)");
            this.retryAfterMs = Math.max(1, Math.ceilDiv(waitNanos, 1_000_000));
        }

        public long retryAfterMs() {
            return retryAfterMs;
        }

        /** Retry-After has whole seconds only: rounded up, so a client that waits that long is admitted. */
        public long retryAfterSeconds() {
            return Math.max(1, Math.ceilDiv(retryAfterMs, 1_000));
        }
    }

    /** Charges one request to a source address (as the servlet container reports it); throws {@link Refused}. */
    public void address(String remoteAddress) {
        long wait = addresses.acquire(addressKey(remoteAddress));
        if (wait > 0) throw new Refused("address", wait);
    }

    /** Charges one request to an authenticated account; throws {@link Refused}. */
    public void account(long accountId) {
        long wait = accounts.acquire(accountId);
        if (wait > 0) throw new Refused("account", wait);
    }

    /**
     * The key of an address: an IPv4 address as it is, an IPv6 address by its /64 (one host or one customer's
     * network usually holds a whole /64, so counting single IPv6 addresses would let one host take 2^64 budgets).
     */
    static String addressKey(String remoteAddress) {
        if (remoteAddress == null) return "";
        if (remoteAddress.indexOf(':') >= 0) {
            try {
                // A literal with ':' parses as IPv6 or fails; it never triggers a name lookup.
                byte[] a = InetAddress.getByName(remoteAddress).getAddress();
                if (a.length == 16) return java.util.HexFormat.of().formatHex(a, 0, 8) + "::/64";
            } catch (UnknownHostException | RuntimeException e) {
                // Not an address (an odd forwarded header): counted as the text it is, cut to a bounded key.
            }
        }
        return remoteAddress.length() > MAX_ADDRESS_CHARS ? remoteAddress.substring(0, MAX_ADDRESS_CHARS) : remoteAddress;
    }

    /**
     * A WebSocket connection's count of refusals: it may collect {@code wsRefusalsBeforeClose} of them, forgiven at
     * a tenth of that per second; past it the client ignores the refusals and the connection is closed.
     */
    public Strikes strikes() {
        return new Strikes();
    }

    public final class Strikes {
        private final RateLimiter.Limit limit = new RateLimiter.Limit(config.wsRefusalsBeforeClose() / 10.0,
                Math.max(1, config.wsRefusalsBeforeClose()));
        private final RateLimiter.Bucket bucket = new RateLimiter.Bucket(limit.burst(), nanoTime.getAsLong());

        /** Counts one refusal; true when the connection has collected more than it may and is to be closed. */
        public synchronized boolean strike() {
            return bucket.take(limit, nanoTime.getAsLong()) > 0;
        }
    }

    /**
     * The source address of the WebSocket handshake running on this thread, for the endpoint's configurator (the
     * WebSocket API does not expose it); null outside a handshake.
     */
    public static String handshakeAddress() {
        return HANDSHAKE_ADDRESS.get();
    }

    int trackedAddresses() {
        return addresses.trackedKeys();
    }

    int trackedAccounts() {
        return accounts.trackedKeys();
    }
}
