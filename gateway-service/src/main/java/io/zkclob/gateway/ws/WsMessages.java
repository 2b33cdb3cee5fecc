package io.zkclob.gateway.ws;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.zkclob.contracts.Event;
import tools.jackson.databind.JsonNode;

/**
 * The messages of the WebSocket API (docs/api.md), modelled on Binance's WebSocket API: a request carries an id
 * of the client's choosing, a method and its params; its response echoes the id with an HTTP-like status and
 * either a result or an error; execution reports arrive unsolicited on the same connection.
 */
public final class WsMessages {
    private WsMessages() {}

    /** {@code {"id": "o-1", "method": "order.place", "params": {...}}}; id a string or a number, echoed as sent. */
    public record Request(JsonNode id, String method, JsonNode params) {}

    /** params of session.logon: the account and a signed {@code GET /api/v1/ws} at a fresh timestamp. */
    public record LogonParams(Long accountId, Long timestamp, String signature) {}

    /** params of order.cancel. */
    public record CancelParams(Long orderId) {}

    /** params of order.cancelAll: market null for every market. */
    public record CancelAllParams(String market) {}

    /** params of orders.status: one order by orderId, or the account's orders (open ones, or by clientOrderId). */
    public record StatusParams(Long orderId, Boolean open, Long clientOrderId) {}

    /** The answer to one request: status is the HTTP status the REST API gives the same request. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Response(JsonNode id, int status, Object result, Error error) {}

    /** A refusal: the REST API's stable code and its detail. */
    public record Error(String code, String msg) {}

    /** The session after logon, logout or session.status: accountId null when none is logged on. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SessionStatus(Long accountId, long connectedSinceMs) {}

    /**
     * One of the account's own engine verdicts: ACCEPTED, REJECTED (with the engine's code), TRADE (one per fill
     * of the account's order; a self-trade reports both orders), CANCELED, CANCEL_REJECTED. {@code orderId} is
     * the account's order (a rejected order's id is its seq); {@code data} the engine's event, amounts in the
     * assets' smallest units as on exchange.events.
     */
    public record ExecutionReport(String event, String type, long orderId, long seq, Event data) {
        public static final String EVENT = "executionReport";

        ExecutionReport(String type, long orderId, Event data) {
            this(EVENT, type, orderId, data.seq(), data);
        }
    }
}
