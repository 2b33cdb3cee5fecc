package io.zkclob.gateway;

import io.zkclob.support.ApiException;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The order path of the REST API, for the gateway's other front doors (the WebSocket API in {@code gateway.ws}):
 * the same signature and replay rules, the same checks, funds view, log append and answers, by calling the very
 * code the REST endpoints call. Each answer is what REST would have answered: its HTTP status and its body
 * (success), or an {@link ApiException} with status and code (refusal).
 */
@Component
public class OrderEntry {
    /** What REST would have answered: the status and the JSON body. */
    public record Answer(int status, Object body) {}

    /** The logon's signed request: {@code GET /api/v1/ws} with an empty body, signed as any REST request (docs/api.md). */
    public static final String LOGON_METHOD = "GET";
    public static final String LOGON_PATH = "/api/v1/ws";
    private static final byte[] NO_BODY = new byte[0];
    private final TradingApi api;
    private final Signatures signatures;
    private final CommandLog log;

    OrderEntry(TradingApi api, Signatures signatures, CommandLog log) {
        this.api = api;
        this.signatures = signatures;
        this.log = log;
    }

    /** Authenticates a logon (account, fresh timestamp, signature; replay-protected); returns the account id. */
    public long logon(String accountId, String timestampMs, String signature) {
        return signatures.authenticate(accountId, timestampMs, signature, LOGON_METHOD, LOGON_PATH, NO_BODY);
    }

    /**
     * A message read as REST reads a body: strictly (400 MALFORMED_REQUEST on duplicate keys, fractions for
     * integers...). The text is already decoded: the WebSocket container refuses a text frame that is not UTF-8.
     */
    public static <T> T read(String json, Class<T> type) {
        return RequestJson.read(json, type);
    }

    /** A request's params, read as strictly as a body; 400 MALFORMED_REQUEST when they do not fit {@code type}. */
    public static <T> T read(JsonNode params, Class<T> type) {
        T value;
        try {
            value = RequestJson.STRICT.treeToValue(params, type);
        } catch (RuntimeException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "params are not valid for this request");
        }
        if (value == null) throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "params must be an object");
        return value;
    }

    /** POST /api/v1/orders for an authenticated account; {@code params} is the REST body as a JSON tree. */
    public CompletableFuture<Answer> place(long accountId, JsonNode params) {
        return api.submit(accountId, read(params, TradingApi.OrderRequest.class)).thenApply(OrderEntry::answer);
    }

    /** The same for an order.place read in its plain form ({@link PlainOrderPlace}): what the tree would have read. */
    public CompletableFuture<Answer> place(long accountId, PlainOrderPlace plain) {
        return api.submit(accountId, plain.order).thenApply(OrderEntry::answer);
    }

    /** DELETE /api/v1/orders/{orderId}, appended without a waiting thread. */
    public CompletableFuture<Answer> cancel(long accountId, long orderId) {
        return log.appendAsync(String.valueOf(accountId), TradingApi.cancelCommand(accountId, orderId))
                .thenApply(seq -> new Answer(HttpStatus.ACCEPTED.value(), TradingApi.cancelSequenced(orderId, seq)));
    }

    /** DELETE /api/v1/orders[?market=]: market null for every market. */
    public CompletableFuture<Answer> cancelAll(long accountId, String market) {
        return log.appendAsync(String.valueOf(accountId), api.cancelAllCommand(accountId, market))
                .thenApply(seq -> new Answer(HttpStatus.ACCEPTED.value(), TradingApi.cancelAllSequenced(seq)));
    }

    /** GET /api/v1/orders/{orderId} (blocking: a call to order-service). */
    public Answer order(long accountId, long orderId) {
        return new Answer(HttpStatus.OK.value(), api.orderOf(accountId, orderId));
    }

    /** GET /api/v1/orders?open=&clientOrderId= (blocking: a call to order-service). */
    public Answer orders(long accountId, boolean open, Long clientOrderId) {
        return new Answer(HttpStatus.OK.value(), api.ordersOf(accountId, open, clientOrderId));
    }

    /** The refusal inside a failed future (503 LOG_UNAVAILABLE for anything but an ApiException). */
    public static ApiException refusal(Throwable error) {
        return CommandLog.cause(error);
    }

    /**
     * An answer's body as JSON exactly as Jackson writes it, when it is an order's acknowledgement with plain
     * strings (every placement's answer), else null: the WebSocket writer wrote each through Jackson's record
     * serializer, 2 µs of the event loop per order (docs/benchmarks.md, session 13). WsMessagesTest holds the forms
     * equal.
     */
    public static String ackJson(Object body) {
        if (!(body instanceof ApiRecords.OrderAck a) || !PlainOrderPlace.plain(a.status())) return null;
        StringBuilder b = new StringBuilder(96).append("{\"orderId\":").append(a.orderId())
                .append(",\"clientOrderId\":").append(a.clientOrderId()).append(",\"status\":\"").append(a.status()).append('"');
        if (a.duplicate() != null) b.append(",\"duplicate\":").append(a.duplicate().booleanValue());
        return b.append('}').toString();
    }

    private static Answer answer(ResponseEntity<?> r) {
        return new Answer(r.getStatusCode().value(), r.getBody());
    }
}
