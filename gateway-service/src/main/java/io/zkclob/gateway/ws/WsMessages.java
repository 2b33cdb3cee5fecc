package io.zkclob.gateway.ws;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.gateway.OrderEntry;
import io.zkclob.gateway.PlainOrderPlace;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.StringNode;

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

    /**
     * A message as JSON: an order's acknowledgement with an integer or plain string id written here, byte for byte
     * what Jackson writes (WsMessagesTest), everything else by Jackson.
     */
    static String json(Object message) {
        if (message instanceof Response r && r.error() == null && r.id() != null) {
            String result = OrderEntry.ackJson(r.result());
            String id = plainJson(r.id());
            if (result != null && id != null) {
                return new StringBuilder(result.length() + id.length() + 40).append("{\"id\":").append(id).append(",\"status\":")
                        .append(r.status()).append(",\"result\":").append(result).append('}').toString();
            }
        }
        return MessageJson.write(message);
    }

    /** An id's JSON when it is an int, a long or a plain string; null otherwise. */
    private static String plainJson(JsonNode id) {
        if (id instanceof IntNode || id instanceof LongNode) return Long.toString(id.asLong());
        if (id instanceof StringNode && PlainOrderPlace.plain(id.asString())) return "\"" + id.asString() + "\"";
        return null;
    }

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
