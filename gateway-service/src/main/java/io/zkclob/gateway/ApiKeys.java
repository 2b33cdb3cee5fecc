package io.zkclob.gateway;

import io.zkclob.support.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * API keys for /api/v3 and Binance's request signing: {@code X-MBX-APIKEY} names the key, {@code signature} is
 * hex(HMAC-SHA256(secret, the request's parameters as sent, up to the signature)), and {@code timestamp} must be
 * within {@code recvWindow} (default 5000 ms, at most 60000) before the server's clock and at most 1 s after it.
 *
 * <p>The request path reads keys from memory: a cache keyed by API key, filled from the database on a miss and
 * dropped on revoke, so a revoked key fails its next request. Another gateway process learns of a revoke when
 * its entry expires ({@link #CACHE_TTL_MS}); the database stays the authority.
 */
@Component
class ApiKeys {
    enum Permission { READ, TRADE }

    /** What a request needs of a key, read from memory. */
    record Key(String apiKey, long accountId, byte[] secret, boolean canRead, boolean canTrade, long loadedAtMs) {}

    static final int MAX_KEYS_PER_ACCOUNT = 20;
    static final int MAX_CACHED_KEYS = 100_000;
    static final long CACHE_TTL_MS = 5_000;
    static final long DEFAULT_RECV_WINDOW_MS = 5_000;
    static final long MAX_RECV_WINDOW_MS = 60_000;
    /** Binance refuses timestamps more than 1 s ahead of its clock. */
    static final long MAX_AHEAD_MS = 1_000;
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private final SecureRandom random = new SecureRandom();
    private final ApiKeyRepository repository;
    /** Absent keys are cached too (as empty), so unknown keys cost no query each; bounded, least recently used out. */
    private final Map<String, Optional<Key>> cache = new LinkedHashMap<>(1_024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<Key>> eldest) {
            return size() > MAX_CACHED_KEYS;
        }
    };
    private final Map<String, Long> missAtMs = new java.util.HashMap<>();

    private final RateLimits limits;

    ApiKeys(ApiKeyRepository repository) {
        this(repository, RateLimits.unlimited());
    }

    @org.springframework.beans.factory.annotation.Autowired
    ApiKeys(ApiKeyRepository repository, RateLimits limits) {
        this.limits = limits;
        this.repository = repository;
    }

    /** A new key; its secret is in the returned entity and nowhere else the owner can read it again. */
    @Transactional
    ApiKey create(long accountId, String label, List<Permission> permissions) {
        if (repository.countByAccountIdAndRevokedAtMsIsNull(accountId) >= MAX_KEYS_PER_ACCOUNT) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "TOO_MANY_API_KEYS",
                    "an account has at most " + MAX_KEYS_PER_ACCOUNT + " active API keys; revoke one first");
        }
        ApiKey key = new ApiKey(randomText(64), accountId, randomText(64), label, permissions.contains(Permission.READ),
                permissions.contains(Permission.TRADE), System.currentTimeMillis());
        return repository.save(key);
    }

    List<ApiKey> list(long accountId) {
        return repository.findByAccountIdOrderByCreatedAtMsAsc(accountId);
    }

    /** Revokes one of the account's keys; another account's key is reported like a missing one. */
    @Transactional
    ApiKey revoke(long accountId, String apiKey) {
        ApiKey key = repository.findById(apiKey).filter(k -> k.accountId() == accountId)
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "API_KEY_NOT_FOUND", "no API key " + apiKey));
        key.revoke(System.currentTimeMillis());
        repository.save(key);
        synchronized (cache) {
            cache.remove(apiKey);
        }
        return key;
    }

    /**
     * The account of a signed /api/v3 request, or a Binance error: -2014 (no or malformed key), -2015 (unknown,
     * revoked, or lacking the permission), -1021 (timestamp outside recvWindow), -1022 (bad signature).
     */
    long authenticate(String apiKey, BinanceParams params, Permission needed, long nowMs) {
        if (apiKey == null || apiKey.isBlank()) throw BinanceException.unauthorized(-2014, "API-key format invalid.");
        Key key = lookup(apiKey, nowMs).orElseThrow(ApiKeys::invalidKey);
        boolean allowed = needed == Permission.READ ? key.canRead() || key.canTrade() : key.canTrade();
        if (!allowed) throw invalidKey();
        checkTimestamp(params, nowMs);
        String signature = params.signature();
        if (signature == null) throw BinanceException.mandatory("signature");
        byte[] expected = HexFormat.of().formatHex(hmac(key.secret(), params.signedPayload())).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signature.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            throw BinanceException.unauthorized(-1022, "Signature for this request is not valid.");
        }
        // The account's budget (shared with REST and the WebSocket session), charged once the key's owner is proven.
        limits.account(key.accountId());
        return key.accountId();
    }

    static void checkTimestamp(BinanceParams params, long nowMs) {
        String ts = params.get("timestamp");
        if (ts == null) throw BinanceException.mandatory("timestamp");
        long timestampMs = BinanceParams.parseLong(ts, "timestamp");
        String rw = params.get("recvWindow");
        long recvWindowMs = rw == null ? DEFAULT_RECV_WINDOW_MS : BinanceParams.parseLong(rw, "recvWindow");
        if (recvWindowMs <= 0 || recvWindowMs > MAX_RECV_WINDOW_MS) {
            throw BinanceException.badRequest(-1131, "recvWindow must be less than " + MAX_RECV_WINDOW_MS + ".");
        }
        if (timestampMs >= nowMs + MAX_AHEAD_MS || nowMs - timestampMs > recvWindowMs) {
            throw BinanceException.badRequest(-1021, "Timestamp for this request is outside of the recvWindow.");
        }
    }

    private static BinanceException invalidKey() {
        return BinanceException.unauthorized(-2015, "Invalid API-key, IP, or permissions for action.");
    }

    private Optional<Key> lookup(String apiKey, long nowMs) {
        if (apiKey.length() > 64) return Optional.empty();
        synchronized (cache) {
            Optional<Key> cached = cache.get(apiKey);
            if (cached != null && (cached.isEmpty() ? nowMs - missAtMs.getOrDefault(apiKey, 0L) <= CACHE_TTL_MS
                    : nowMs - cached.get().loadedAtMs() <= CACHE_TTL_MS)) {
                return cached;
            }
        }
        Optional<Key> loaded = repository.findById(apiKey).filter(k -> !k.revoked())
                .map(k -> new Key(k.apiKey(), k.accountId(), k.secret().getBytes(StandardCharsets.UTF_8), k.canRead(), k.canTrade(), nowMs));
        synchronized (cache) {
            cache.put(apiKey, loaded);
            if (loaded.isEmpty()) missAtMs.put(apiKey, nowMs);
            else missAtMs.remove(apiKey);
            if (missAtMs.size() > MAX_CACHED_KEYS) missAtMs.keySet().retainAll(cache.keySet());
        }
        return loaded;
    }

    static byte[] hmac(byte[] secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    private String randomText(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        return new String(out);
    }
}
