package io.zkclob.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

@ConfigurationProperties("gateway")
record GatewayProperties(String orderServiceUrl, String ledgerServiceUrl, String proverServiceUrl, String blockServiceUrl,
                         String operatorKey,
                         long signatureWindowMs,
                         @DefaultValue RateLimit rateLimit) {
    /** The constructor Spring binds (the record has a second one, for tests and callers without rate limits). */
    @ConstructorBinding
    GatewayProperties {}

    GatewayProperties(String orderServiceUrl, String ledgerServiceUrl, String proverServiceUrl, String blockServiceUrl,
                      String operatorKey, long signatureWindowMs) {
        this(orderServiceUrl, ledgerServiceUrl, proverServiceUrl, blockServiceUrl, operatorKey, signatureWindowMs, RateLimit.DEFAULTS);
    }

    /**
     * {@code gateway.rate-limit.*} (docs/api.md, Rate limits): token buckets per source address (every request on the
     * public port but the probes, and every WebSocket message) and per authenticated account (every signed request,
     * REST, Binance and WebSocket together). A rate of 0 turns that limit off. The defaults are far above what one
     * honest client needs and far below what two cores can serve; the benchmarks raise them (FleetMain).
     *
     * @param addressPerSecond    requests per second refilled per source address (IPv6: per /64)
     * @param addressBurst        requests a quiet address may send at once
     * @param accountPerSecond    signed requests per second refilled per account
     * @param accountBurst        signed requests a quiet account may send at once
     * @param maxTrackedKeys      buckets kept per limiter (least recently used out): the memory bound
     * @param wsRefusalsBeforeClose refusals a WebSocket connection may collect (forgiven at a tenth of this per
     *                            second) before it is closed with 1008 RATE_LIMITED
     */
    record RateLimit(@DefaultValue("2000") double addressPerSecond, @DefaultValue("4000") double addressBurst,
                     @DefaultValue("1000") double accountPerSecond, @DefaultValue("2000") double accountBurst,
                     @DefaultValue("100000") int maxTrackedKeys, @DefaultValue("100") int wsRefusalsBeforeClose) {
        static final RateLimit DEFAULTS = new RateLimit(2_000, 4_000, 1_000, 2_000, 100_000, 100);
    }
}
