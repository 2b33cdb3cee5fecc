package io.zkclob.gateway;

import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * {@code POST /api/v1/orders} and {@code POST /api/v1/orders/batch} for a server other than Tomcat: the order-entry
 * port's event loop ({@code gateway.ws.NettyOrderEntryServer}), which serves them beside {@code /api/v1/ws} for
 * clients that place many orders over REST. The same code as the HTTP port's endpoints ({@link TradingApi#placeOrder},
 * {@link TradingApi#placeBatch}: signature, replay guard, account rate limit, checks, funds view, append, verdict),
 * and every answer as the HTTP port writes it: status, content type, JSON body, Retry-After. What the HTTP port's
 * filters do first is here too: the body's media type ({@link BodyLimit#json}) and the Accept header
 * ({@link PlaceOrderFilter#acceptsJson}); the transport charges the address's rate and bounds the body.
 * {@code NettyRestOrderEntryTest} holds both ports' answers equal.
 *
 * <p>Why a second server for two endpoints: on Tomcat each order costs a worker hand-off on the way in and an
 * asynchronous dispatch on the way out, about 160 µs of CPU per order besides the signature check (docs/benchmarks.md,
 * session 12), on two cores that the whole fleet shares. The event loop reads, verifies, appends and writes with no
 * hand-off, as it does for the WebSocket API (docs/benchmarks.md, session 18).
 */
@Component
public class RestOrderEntry {
    private static final Logger log = LoggerFactory.getLogger(RestOrderEntry.class);
    public static final String ORDERS = "/api/v1/orders";
    public static final String BATCH = "/api/v1/orders/batch";
    static final String PROBLEM_JSON = "application/problem+json";
    static final String JSON = "application/json";

    /** An HTTP answer: status, content type, body, and a Retry-After in seconds (null: none). */
    public record Reply(int status, String contentType, byte[] body, String retryAfter) {}

    /** The problem details body Spring MVC writes for a refusal (ProblemHandler), field for field. */
    record Problem(String type, String title, int status, String detail, String instance, String code) {
        static Problem of(int status, String code, String detail, String instance) {
            return new Problem("https://zkclob.io/errors/" + code.toLowerCase().replace('_', '-'), code, status, detail, instance, code);
        }
    }

    private final TradingApi api;
    private final Signatures signatures;

    RestOrderEntry(TradingApi api, Signatures signatures) {
        this.api = api;
        this.signatures = signatures;
    }

    /**
     * Whether {@link #post} for this X-Account-Id header runs without blocking I/O (its key decoded and cached, the
     * replay horizon loaded): an event loop runs the others on another thread, in order after the connection's
     * earlier requests.
     */
    public boolean postsWithoutBlocking(String accountHeader) {
        return accountHeader == null || signatures.authenticatesWithoutBlocking(accountHeader);
    }

    /** Whether this serves {@code path} (without its query): for POST only. */
    public static boolean serves(String path) {
        return ORDERS.equals(path) || BATCH.equals(path);
    }

    /**
     * A POST to {@code path} ({@link #serves}): completes with its answer, a refusal's included; never fails. Runs the
     * checks, the signature's verification and the append's start on the calling thread, which may block on the
     * account's key unless {@link #postsWithoutBlocking}.
     */
    public CompletableFuture<Reply> post(String path, String query, String contentType, String accept, String accountId,
                                         String timestampMs, String signature, byte[] body) {
        if (!PlaceOrderFilter.acceptsJson(accept)) {
            return CompletableFuture.completedFuture(problem(406, "NOT_ACCEPTABLE", "answers are application/json", path, null));
        }
        if (body.length > 0 && !BodyLimit.json(contentType)) {
            return CompletableFuture.completedFuture(problem(415, "UNSUPPORTED_MEDIA_TYPE",
                    "bodies are JSON: send Content-Type: application/json (UTF-8)", null, null));
        }
        byte[] given = body.length == 0 ? null : body; // as Spring MVC passes an empty body: null
        TradingApi.SignedRequest signed = new TradingApi.SignedRequest(accountId, timestampMs, signature, "POST",
                query == null ? path : path + "?" + query);
        try {
            if (ORDERS.equals(path)) {
                return api.placeOrder(given, signed).handle((ok, error) -> error == null ? answer(ok)
                        : refused(CommandLog.cause(error), path));
            }
            return api.placeBatch(given, signed).handle((ok, error) -> error == null ? json(200, ok)
                    : refused(CommandLog.cause(error), path));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(refused(e, path));
        }
    }

    private static Reply answer(ResponseEntity<?> r) {
        return json(r.getStatusCode().value(), r.getBody());
    }

    private static Reply json(int status, Object body) {
        return new Reply(status, JSON, MessageJson.MAPPER.writeValueAsBytes(body), null);
    }

    /** A refusal as the HTTP port's advice answers it (RateLimitAdvice, then ProblemHandler). */
    static Reply refused(RuntimeException e, String path) {
        if (e instanceof RateLimits.Refused r) {
            return problem(429, RateLimits.CODE, r.getMessage(), path, Long.toString(r.retryAfterSeconds()));
        }
        if (e instanceof ApiException a) return problem(a.status().value(), a.code(), a.getMessage(), path, null);
        if (e instanceof IllegalArgumentException) return problem(400, "MALFORMED_REQUEST", e.getMessage(), path, null);
        log.error("unexpected failure", e);
        return problem(503, "UNAVAILABLE", "temporarily unavailable, retry later", path, null);
    }

    /** Problem details; {@code instance} null for the filters' refusals, which Spring MVC never sees. */
    static Reply problem(int status, String code, String detail, String instance, String retryAfter) {
        Object body = instance == null ? BodyLimit.Problem.of(status, code, detail) : Problem.of(status, code, detail, instance);
        return new Reply(status, PROBLEM_JSON, MessageJson.write(body).getBytes(StandardCharsets.UTF_8), retryAfter);
    }

    /** 413 for a body past {@link BodyLimit#MAX_BYTES}, as BodyLimit answers it. */
    public static Reply tooLarge() {
        return problem(413, "PAYLOAD_TOO_LARGE", "request bodies are limited to " + BodyLimit.MAX_BYTES + " bytes", null, null);
    }

    /** 429 for the address's rate (RateLimitFilter's answer). */
    public static Reply rateLimited(RateLimits.Refused r) {
        return problem(429, RateLimits.CODE, r.getMessage(), null, Long.toString(r.retryAfterSeconds()));
    }

    /** Another method on a path this serves: the rest of the REST API is on the HTTP port. */
    public static Reply onlyPost(String path) {
        return problem(405, "METHOD_NOT_ALLOWED", "this port serves POST " + path + "; the rest of the API is on the HTTP port",
                null, null);
    }

    /** A failure where {@link #post} promises an answer (it never fails): 503, as ProblemHandler answers the unexpected. */
    public static Reply unavailable(Throwable error) {
        log.error("unexpected failure", error);
        return problem(503, "UNAVAILABLE", "temporarily unavailable, retry later", ORDERS, null);
    }

    /** A body limit for the transport. */
    public static int maxBodyBytes() {
        return BodyLimit.MAX_BYTES;
    }
}
