package io.zkclob.gateway;

import io.zkclob.support.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Ed25519 request signatures (docs/api.md). The signed message is
 * {@code timestamp + "\n" + METHOD + "\n" + path?query + "\n" + body}; a request more than the window away
 * from our clock, or whose signed message was already used, is refused (in memory, see {@link ReplayGuard}). The signature header has one spelling
 * only (canonical base64), and replays are recognised by what was signed, not by how the header was written.
 */
@Component
class Signatures {
    /** DER prefix of an X.509 SubjectPublicKeyInfo for a raw 32-byte Ed25519 key. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final int SIGNATURE_BYTES = 64;
    /** Decoded public keys kept (least recently used out); an account's key never changes once registered. */
    static final int MAX_CACHED_KEYS = 100_000;
    private final JdbcClient jdbc;
    private final GatewayProperties props;
    private final ReplayGuard replays;
    private final RateLimits limits;
    private final Map<Long, Ed25519.PublicPoint> keys = new LinkedHashMap<>(1_024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Ed25519.PublicPoint> eldest) {
            return size() > MAX_CACHED_KEYS;
        }
    };

    @Autowired
    Signatures(JdbcClient jdbc, GatewayProperties props, RateLimits limits) {
        this(jdbc, props, new DatabaseHorizon(jdbc), limits);
    }

    Signatures(JdbcClient jdbc, GatewayProperties props) {
        this(jdbc, props, new DatabaseHorizon(jdbc), RateLimits.unlimited());
    }

    Signatures(JdbcClient jdbc, GatewayProperties props, ReplayGuard.Horizon horizon) {
        this(jdbc, props, horizon, RateLimits.unlimited());
    }

    Signatures(JdbcClient jdbc, GatewayProperties props, ReplayGuard.Horizon horizon, RateLimits limits) {
        this.jdbc = jdbc;
        this.props = props;
        this.replays = new ReplayGuard(horizon, props.signatureWindowMs());
        this.limits = limits;
    }

    /** The restart horizon in the gateway's database: one row, only ever raised. */
    record DatabaseHorizon(JdbcClient jdbc) implements ReplayGuard.Horizon {
        @Override
        public long load() {
            return jdbc.sql("SELECT accepted_through_ms FROM replay_horizon WHERE id = 1").query(Long.class).optional()
                    .orElse(Long.MIN_VALUE);
        }

        @Override
        public void extend(long throughMs) {
            jdbc.sql("INSERT INTO replay_horizon VALUES (1, ?) ON CONFLICT (id) DO UPDATE"
                    + " SET accepted_through_ms = GREATEST(replay_horizon.accepted_through_ms, EXCLUDED.accepted_through_ms)")
                    .param(throughMs).update();
        }
    }

    static PublicKey parseKey(String base64) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "INVALID_PUBLIC_KEY", "publicKey must be base64");
        }
        if (raw.length != 32) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "INVALID_PUBLIC_KEY", "publicKey must be a raw 32-byte Ed25519 key, base64");
        }
        try {
            byte[] der = new byte[X509_PREFIX.length + 32];
            System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
            System.arraycopy(raw, 0, der, X509_PREFIX.length, 32);
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (Exception e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "INVALID_PUBLIC_KEY", "not an Ed25519 public key");
        }
    }

    /** Returns the authenticated account id or throws 401 with a precise code. */
    long authenticate(String accountHeader, String timestampHeader, String signatureHeader, String method, String pathAndQuery,
                      byte[] body) {
        if (accountHeader == null || timestampHeader == null || signatureHeader == null) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "MISSING_SIGNATURE",
                    "private endpoints need X-Account-Id, X-Timestamp and X-Signature headers (docs/api.md)");
        }
        long accountId;
        long ts;
        try {
            accountId = Long.parseLong(accountHeader);
            ts = Long.parseLong(timestampHeader);
        } catch (NumberFormatException e) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "BAD_SIGNATURE", "X-Account-Id and X-Timestamp are integers");
        }
        long now = System.currentTimeMillis();
        if (Math.abs(now - ts) > props.signatureWindowMs()) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "STALE_REQUEST",
                    "X-Timestamp is " + (now - ts) + " ms away from the server clock; the window is " + props.signatureWindowMs() + " ms");
        }
        Ed25519.PublicPoint key = decodedKey(accountId);
        byte[] signature = canonicalSignature(signatureHeader);
        byte[] message = (ts + "\n" + method + "\n" + pathAndQuery + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[message.length + body.length];
        System.arraycopy(message, 0, signed, 0, message.length);
        System.arraycopy(body, 0, signed, message.length, body.length);
        boolean ok = key != null && Ed25519.verify(signature, 0, key, signed, 0, signed.length);
        if (!ok) throw new ApiException(HttpStatus.UNAUTHORIZED, "BAD_SIGNATURE", "the signature does not verify for this account");
        // Charged only now that the account is proven (a forged X-Account-Id spends the sender's address budget, not
        // the victim's), and before the replay record: a request refused here may be sent again as it was.
        limits.account(accountId);
        // Keyed on what was signed (account, message, body), not on the header's text: a second spelling of the same
        // signature (base64 without padding, other unused low bits) or of the timestamp ("+1", "01") is the same request.
        replays.accept(accountId, replayKey(accountId, message, body), ts, now);
        return accountId;
    }

    /**
     * The 64 signature bytes, only from their one canonical base64 spelling (padded, unused bits zero): decode,
     * re-encode, compare. Anything else is refused, so no header text maps to the bytes of another.
     */
    static byte[] canonicalSignature(String header) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(header);
        } catch (IllegalArgumentException e) {
            raw = null;
        }
        if (raw == null || raw.length != SIGNATURE_BYTES || !Base64.getEncoder().encodeToString(raw).equals(header)) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "NON_CANONICAL_SIGNATURE",
                    "X-Signature must be the 64-byte Ed25519 signature in canonical, padded base64 (88 characters)");
        }
        return raw;
    }

    static String replayKey(long accountId, byte[] message, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((accountId + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(message);
            sha.update(body);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * The account's key, decoded once (BouncyCastle's RFC 8032 code: several times faster than the JDK's, see
     * docs/benchmarks.md); null when the stored key does not decode, so every signature of it fails.
     */
    private Ed25519.PublicPoint decodedKey(long accountId) {
        synchronized (keys) {
            Ed25519.PublicPoint cached = keys.get(accountId);
            if (cached != null) return cached;
        }
        String stored = publicKey(accountId)
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "UNKNOWN_ACCOUNT", "no account " + accountId));
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(stored);
        } catch (IllegalArgumentException e) {
            return null;
        }
        Ed25519.PublicPoint point = raw.length == 32 ? Ed25519.validatePublicKeyPartialExport(raw, 0) : null;
        if (point != null) {
            synchronized (keys) {
                keys.put(accountId, point);
            }
        }
        return point;
    }

    /**
     * Whether {@link #authenticate} for this X-Account-Id header can run without blocking I/O: the replay horizon is
     * loaded and the account's key is decoded and cached (else it reads PostgreSQL). An event loop checks others
     * on another thread.
     */
    boolean authenticatesWithoutBlocking(String accountHeader) {
        if (!replays.started()) return false;
        long accountId;
        try {
            accountId = Long.parseLong(accountHeader);
        } catch (NumberFormatException e) {
            return true; // refused before any lookup
        }
        synchronized (keys) {
            return keys.get(accountId) != null;
        }
    }

    Optional<String> publicKey(long accountId) {
        return jdbc.sql("SELECT public_key FROM accounts WHERE account_id = ?").param(accountId).query(String.class).optional();
    }

    /** Keeps the restart horizon's lease ahead of the window (ReplayGuard). */
    @Scheduled(fixedRate = 1_000)
    void extendHorizon() {
        replays.extend(System.currentTimeMillis());
    }

    @Scheduled(fixedDelay = 10_000)
    void purge() {
        replays.purge(System.currentTimeMillis());
    }
}
