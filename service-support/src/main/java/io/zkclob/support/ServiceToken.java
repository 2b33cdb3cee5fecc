package io.zkclob.support;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The shared secret the services' {@code /internal/*} endpoints require of their callers (the gateway, operator
 * tools), in the {@value #HEADER} header. Network rules (loopback by default, a NetworkPolicy in Kubernetes) keep
 * strangers away from those ports; the token is the second wall, for when a rule is missing or too wide: the
 * internal endpoints read any account's balances and orders without a signature.
 *
 * <p>Configured by {@value #PROPERTY} or the environment variable {@value #ENV}; a service refuses to start
 * without one rather than serve its internal endpoints open. The launcher generates one per run when neither is set.
 */
public final class ServiceToken {
    public static final String HEADER = "X-Service-Token";
    public static final String PROPERTY = "zkclob.service-token";
    public static final String ENV = "SERVICE_TOKEN";
    /** 128 bits written in hex; a shorter secret is refused at start-up, it would be guessable from the network. */
    public static final int MIN_LENGTH = 32;

    private final String value;
    private final byte[] digest;

    public ServiceToken(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("no service token: set " + ENV + " (or " + PROPERTY + ") to the same secret of at least "
                    + MIN_LENGTH + " characters on every service, e.g. " + ENV + "=$(openssl rand -hex 32)");
        }
        if (value.length() < MIN_LENGTH || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalStateException(ENV + " must be at least " + MIN_LENGTH + " printable ASCII characters without spaces");
        }
        this.value = value;
        this.digest = sha256(value);
    }

    /** {@value #PROPERTY}, else {@value #ENV}. */
    public static ServiceToken from(Environment env) {
        String v = env.getProperty(PROPERTY);
        return new ServiceToken(v != null && !v.isBlank() ? v : env.getProperty(ENV));
    }

    /**
     * Whether {@code presented} is this token, in time independent of where they differ and of the presented
     * length (both sides are compared as SHA-256 digests): no timing oracle for guessing it byte by byte.
     */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    /** The value to send; never logged. */
    public String value() {
        return value;
    }

    /**
     * How long a caller waits for another service to connect and to answer. Without a limit a backend that accepts
     * a connection and never answers (hung, or stopped with SIGSTOP) held the gateway's request thread, and its
     * client, for ever; now the call fails and the caller answers 503 BACKEND_UNAVAILABLE. Every internal read is
     * a few rows on loopback or in-cluster: 5 s is far above what one takes.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    /** A client of another service's internal endpoints, sending this token with every request. */
    public RestClient client(String baseUrl) {
        return client(baseUrl, READ_TIMEOUT);
    }

    /** {@code readTimeout}: how long a request waits for its answer (tests shorten it). */
    RestClient client(String baseUrl, Duration readTimeout) {
        var factory = new JdkClientHttpRequestFactory(HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build());
        factory.setReadTimeout(readTimeout);
        return RestClient.builder().baseUrl(baseUrl).requestFactory(factory).defaultHeader(HEADER, value).build();
    }

    @Override
    public String toString() {
        return "ServiceToken[redacted]";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
