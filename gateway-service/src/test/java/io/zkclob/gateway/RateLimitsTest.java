package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.zkclob.support.ApiException;
import io.zkclob.support.ProblemHandler;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * Rate limits (issue 11, Rate limits): token buckets per source address and per proven account, their memory bound,
 * and what a refusal looks like on REST (problem details) and on the Binance layer ({@code -1003}), both 429 with
 * Retry-After. Time is a manual clock: nothing here depends on how fast the machine is.
 */
class RateLimitsTest {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    RateLimits limits(double addressPerSecond, double addressBurst, double accountPerSecond, double accountBurst, int maxKeys) {
        return new RateLimits(new GatewayProperties.RateLimit(addressPerSecond, addressBurst, accountPerSecond, accountBurst, maxKeys, 10),
                nanos::get);
    }

    @Test
    void aBucketAdmitsItsBurstThenRefillsAtItsRate() {
        RateLimiter<String> limiter = new RateLimiter<>(new RateLimiter.Limit(10, 3), 1_000, nanos::get);
        for (int i = 0; i < 3; i++) assertEquals(0, limiter.acquire("a"), "the burst passes");
        long wait = limiter.acquire("a");
        assertEquals(100_000_000L, wait, "one token comes back every 100 ms at 10/s");
        assertEquals(0, limiter.acquire("b"), "another key has its own bucket");
        nanos.addAndGet(wait);
        assertEquals(0, limiter.acquire("a"), "after the wait it said, the request passes");
        assertNotEquals(0, limiter.acquire("a"));
        nanos.addAndGet(3_600_000_000_000L);
        for (int i = 0; i < 3; i++) assertEquals(0, limiter.acquire("a"), "a long quiet refills to the burst, no more");
        assertNotEquals(0, limiter.acquire("a"));
    }

    @Test
    void memoryIsBoundedAndTheLeastRecentlyUsedKeysGoFirst() {
        int maxKeys = 16 * RateLimiter.STRIPES;
        RateLimiter<Long> limiter = new RateLimiter<>(new RateLimiter.Limit(1, 1), maxKeys, nanos::get);
        assertEquals(0, limiter.acquire(-1L));
        for (long k = 0; k < 100 * maxKeys; k++) {
            limiter.acquire(k);
            if (k % 64 == 0) assertNotEquals(0, limiter.acquire(-1L), "an active abuser stays tracked (and refused)");
        }
        assertTrue(limiter.trackedKeys() <= maxKeys, "tracked: " + limiter.trackedKeys());
    }

    @Test
    void aRateOfZeroTurnsTheLimitOff() {
        RateLimits off = limits(0, 0, 0, 0, 1_000);
        for (int i = 0; i < 10_000; i++) {
            off.address("10.0.0.1");
            off.account(7);
        }
        assertEquals(0, off.trackedAddresses() + off.trackedAccounts(), "nothing is tracked when off");
    }

    @Test
    void ipv6AddressesAreCountedByTheirSlash64() {
        assertEquals(RateLimits.addressKey("2001:db8:1:2::1"), RateLimits.addressKey("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertNotEquals(RateLimits.addressKey("2001:db8:1:2::1"), RateLimits.addressKey("2001:db8:1:3::1"));
        assertEquals("192.0.2.7", RateLimits.addressKey("192.0.2.7"));
        assertEquals(64, RateLimits.addressKey("x".repeat(10_000)).length(), "an odd forwarded value is a bounded key");
        assertEquals(64, RateLimits.addressKey(":".repeat(10_000)).length());
        RateLimits l = limits(1, 1, 0, 0, 1_000);
        l.address("2001:db8::1");
        assertThrows(RateLimits.Refused.class, () -> l.address("2001:db8::2"), "the same /64 shares one budget");
        l.address("192.0.2.1");
    }

    @Test
    void aRefusalSaysWhenToRetryInWholeSecondsRoundedUp() {
        RateLimits l = limits(0.5, 1, 0, 0, 1_000);
        l.address("192.0.2.1");
        RateLimits.Refused r = assertThrows(RateLimits.Refused.class, () -> l.address("192.0.2.1"));
        assertEquals(HttpStatus.TOO_MANY_REQUESTS, r.status());
        assertEquals("RATE_LIMITED", r.code());
        assertEquals(2_000, r.retryAfterMs());
        assertEquals(2, r.retryAfterSeconds());
        nanos.addAndGet(1_999_000_000L);
        assertEquals(1, assertThrows(RateLimits.Refused.class, () -> l.address("192.0.2.1")).retryAfterSeconds(),
                "1 ms left is still a whole second: a client that waits Retry-After is admitted");
    }

    // ------------------------------------------------------------------ REST, over the real controllers

    final MockProducer<String, String> producer = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());

    /** Any X-Account-Id authenticates (signatures have their own tests) and is charged as a proven account is. */
    static final class Charged extends Signatures {
        final GatewayEdgeTest.Accounts accounts = new GatewayEdgeTest.Accounts();
        final RateLimits limits;

        Charged(RateLimits limits) {
            super(null, GatewayEdgeTest.PROPS);
            this.limits = limits;
        }

        @Override
        long authenticate(String account, String ts, String signature, String method, String path, byte[] body) {
            long id = accounts.authenticate(account, ts, signature, method, path, body);
            limits.account(id);
            return id;
        }

        @Override
        java.util.Optional<String> publicKey(long accountId) {
            return accounts.publicKey(accountId);
        }
    }

    MockMvc gateway(RateLimits limits) {
        TradingApi api = new TradingApi(new Charged(limits), new GatewayEdgeTest.FakeBackends(), new CommandLog(producer), null,
                new FundsView(() -> 0), new OrderVerdicts());
        return MockMvcBuilders.standaloneSetup(api, new ErrorApi())
                .setControllerAdvice(new RateLimitAdvice(), new ProblemHandler())
                .addFilters(new RateLimitFilter(limits), new BodyLimit()).build();
    }

    /** The response, also of an endpoint that answers asynchronously (a CompletableFuture). */
    static MockHttpServletResponse async(MockMvc mvc, MockHttpServletRequestBuilder request) throws Exception {
        var result = mvc.perform(request).andReturn();
        if (result.getRequest().isAsyncStarted()) return mvc.perform(asyncDispatch(result)).andReturn().getResponse();
        return result.getResponse();
    }

    static MockHttpServletRequestBuilder from(MockHttpServletRequestBuilder b, String address) {
        return b.with(r -> {
            r.setRemoteAddr(address);
            return r;
        });
    }

    static MockHttpServletRequestBuilder order(String address, String account) {
        return from(post("/api/v1/orders"), address).header("X-Account-Id", account).contentType("application/json")
                .content("{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.1\"}");
    }

    static void rateLimited(MockHttpServletResponse r, String retryAfter) throws Exception {
        String body = r.getContentAsString(StandardCharsets.UTF_8);
        assertEquals(429, r.getStatus(), body);
        assertTrue(r.getContentType().startsWith("application/problem+json"), r.getContentType());
        assertTrue(body.contains("\"code\":\"RATE_LIMITED\""), body);
        assertEquals(retryAfter, r.getHeader("Retry-After"));
    }

    @Test
    void anAddressOverItsLimitIsAnswered429ProblemDetailsAndNothingReachesTheLog() throws Exception {
        MockMvc mvc = gateway(limits(1, 5, 0, 0, 1_000));
        for (int i = 0; i < 5; i++) assertEquals(202, async(mvc, order("192.0.2.1", "1")).getStatus());
        rateLimited(mvc.perform(order("192.0.2.1", "1")).andReturn().getResponse(), "1");
        rateLimited(mvc.perform(from(get("/api/v1/markets"), "192.0.2.1")).andReturn().getResponse(), "1");
        assertEquals(5, producer.history().size(), "a refused request appends nothing");
        // Another address is not affected, nor are the probes of the throttled one.
        assertEquals(202, async(mvc, order("192.0.2.2", "2")).getStatus());
        assertEquals(404, mvc.perform(from(get("/actuator/health/liveness"), "192.0.2.1")).andReturn().getResponse().getStatus(),
                "the probes' paths are not limited (no probe controller here: 404, not 429)");
        nanos.addAndGet(1_000_000_000L);
        assertEquals(202, async(mvc, order("192.0.2.1", "1")).getStatus(), "after Retry-After, admitted");
    }

    @Test
    void anAccountOverItsLimitIsRefusedFromEveryAddress() throws Exception {
        MockMvc mvc = gateway(limits(0, 0, 1, 3, 1_000));
        for (int i = 0; i < 3; i++) assertEquals(202, async(mvc, order("192.0.2." + i, "1")).getStatus());
        rateLimited(mvc.perform(order("192.0.2.9", "1")).andReturn().getResponse(), "1");
        assertEquals(202, async(mvc, order("192.0.2.9", "2")).getStatus(), "another account is not affected");
        assertEquals(4, producer.history().size());
    }

    @Test
    void theBinanceLayerAnswersMinus1003() throws Exception {
        RateLimits l = limits(1, 1, 0, 0, 1_000);
        MockMvc mvc = gateway(l);
        mvc.perform(from(get("/api/v3/ping"), "192.0.2.1"));
        MockHttpServletResponse r = mvc.perform(from(get("/api/v3/ping"), "192.0.2.1")).andReturn().getResponse();
        assertEquals(429, r.getStatus());
        assertEquals("1", r.getHeader("Retry-After"));
        assertTrue(r.getContentAsString().startsWith("{\"code\":-1003,\"msg\":\"Too many requests;"), r.getContentAsString());
        // An account's refusal raised inside BinanceApi (ApiKeys.authenticate) takes BinanceErrors' own handler.
        RateLimits.Refused refused = new RateLimits.Refused("account", 1_500_000_000L);
        ResponseEntity<BinanceRecords.ErrorBody> e = new BinanceErrors().rateLimited(refused);
        assertEquals(429, e.getStatusCode().value());
        assertEquals("2", e.getHeaders().getFirst("Retry-After"));
        assertEquals(-1003, e.getBody().code());
    }

    // ------------------------------------------------------------------ the account charge: only once proven

    @Test
    void anEd25519SignedRequestIsChargedToItsAccountOnlyOnceItsSignatureVerifies() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] x509 = pair.getPublic().getEncoded();
        String raw = Base64.getEncoder().encodeToString(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
        RateLimits l = limits(0, 0, 1, 2, 1_000);
        Signatures signatures = new Signatures(null, GatewayEdgeTest.PROPS, new SignaturesTest.StoredHorizon(), l) {
            @Override
            java.util.Optional<String> publicKey(long accountId) {
                return accountId == 7 ? java.util.Optional.of(raw) : java.util.Optional.empty();
            }
        };
        long ts = System.currentTimeMillis();
        String forged = Base64.getEncoder().encodeToString(new byte[64]);
        for (int i = 0; i < 50; i++) {
            ApiException e = assertThrows(ApiException.class,
                    () -> signatures.authenticate("7", Long.toString(ts), forged, "GET", "/api/v1/account", new byte[0]));
            assertEquals("BAD_SIGNATURE", e.code(), "a forged request never spends the named account's budget");
        }
        for (int i = 0; i < 2; i++) {
            String path = "/api/v1/orders?n=" + i;
            assertEquals(7, signatures.authenticate("7", Long.toString(ts), sign(pair, ts, path), "GET", path, new byte[0]));
        }
        String path = "/api/v1/orders?n=2";
        String signature = sign(pair, ts, path);
        assertThrows(RateLimits.Refused.class, () -> signatures.authenticate("7", Long.toString(ts), signature, "GET", path, new byte[0]));
        nanos.addAndGet(1_000_000_000L);
        assertEquals(7, signatures.authenticate("7", Long.toString(ts), signature, "GET", path, new byte[0]),
                "a request refused for the rate was not recorded as used: the same request passes after the wait");
    }

    static String sign(KeyPair pair, long ts, String path) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(pair.getPrivate());
        s.update((ts + "\nGET\n" + path + "\n").getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(s.sign());
    }

    @Test
    void binanceApiKeysAreChargedToTheKeysAccount() {
        Map<String, ApiKey> stored = new HashMap<>();
        stored.put("k1", new ApiKey("k1", 7, BinanceSigningTest.DOC_SECRET, "bot", true, true, 0));
        ApiKeys keys = new ApiKeys(BinanceSigningTest.repository(stored), limits(0, 0, 1, 1, 1_000));
        long now = 1_499_827_319_559L + 100;
        BinanceParams p = BinanceParams.parse(BinanceSigningTest.DOC_QUERY + "&signature=" + BinanceSigningTest.DOC_SIGNATURE, "");
        assertEquals(7, keys.authenticate("k1", p, ApiKeys.Permission.TRADE, now));
        assertThrows(RateLimits.Refused.class, () -> keys.authenticate("k1", p, ApiKeys.Permission.TRADE, now));
    }

    @Test
    void theFilterLendsAWebSocketHandshakeItsAddressForTheDurationOfTheRequestOnly() throws Exception {
        java.util.List<String> seen = new java.util.ArrayList<>();
        var request = new org.springframework.mock.web.MockHttpServletRequest("GET", "/api/v1/ws");
        request.setRemoteAddr("192.0.2.77");
        new RateLimitFilter(limits(10, 10, 0, 0, 1_000)).doFilter(request, new MockHttpServletResponse(),
                (req, res) -> seen.add(RateLimits.handshakeAddress()));
        assertEquals(java.util.List.of("192.0.2.77"), seen, "the endpoint's configurator reads it during the upgrade");
        assertEquals(null, RateLimits.handshakeAddress(), "and it does not outlive the request on a pooled thread");
    }

    @Test
    void thePropertiesBindWithTheirDefaultsAndOverrides() {
        var source = new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(Map.of(
                "gateway.signature-window-ms", "10000", "gateway.rate-limit.account-per-second", "5"));
        GatewayProperties bound = new org.springframework.boot.context.properties.bind.Binder(source).bind("gateway", GatewayProperties.class).get();
        assertEquals(new GatewayProperties.RateLimit(2_000, 4_000, 5, 2_000, 100_000, 100), bound.rateLimit());
        GatewayProperties none = new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(Map.of("gateway.operator-key", "k")))
                .bind("gateway", GatewayProperties.class).get();
        assertEquals(GatewayProperties.RateLimit.DEFAULTS, none.rateLimit(), "no gateway.rate-limit.* at all: the defaults");
    }
}
