package io.zkclob.gateway;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An account's API key for the Binance-compatible API (/api/v3): an HMAC-SHA256 secret and what the key may do.
 * Created, listed and revoked through signed /api/v1 requests ({@link ApiKeysApi}); requests look keys up in
 * {@link ApiKeys}' cache, never here directly. A revoked key is kept (revokedAtMs set) so its id is never reused.
 */
@Entity
@Table(name = "api_keys")
class ApiKey {
    @Id
    @Column(name = "api_key", length = 64)
    private String apiKey;

    @Column(name = "account_id", nullable = false)
    private long accountId;

    @Column(name = "secret", length = 64, nullable = false)
    private String secret;

    @Column(name = "label", length = 64, nullable = false)
    private String label;

    @Column(name = "can_read", nullable = false)
    private boolean canRead;

    @Column(name = "can_trade", nullable = false)
    private boolean canTrade;

    @Column(name = "created_at_ms", nullable = false)
    private long createdAtMs;

    @Column(name = "revoked_at_ms")
    private Long revokedAtMs;

    protected ApiKey() {} // for JPA

    ApiKey(String apiKey, long accountId, String secret, String label, boolean canRead, boolean canTrade, long createdAtMs) {
        this.apiKey = apiKey;
        this.accountId = accountId;
        this.secret = secret;
        this.label = label;
        this.canRead = canRead;
        this.canTrade = canTrade;
        this.createdAtMs = createdAtMs;
    }

    String apiKey() { return apiKey; }

    long accountId() { return accountId; }

    String secret() { return secret; }

    String label() { return label; }

    boolean canRead() { return canRead; }

    boolean canTrade() { return canTrade; }

    long createdAtMs() { return createdAtMs; }

    Long revokedAtMs() { return revokedAtMs; }

    boolean revoked() { return revokedAtMs != null; }

    void revoke(long atMs) {
        if (revokedAtMs == null) revokedAtMs = atMs;
    }
}
