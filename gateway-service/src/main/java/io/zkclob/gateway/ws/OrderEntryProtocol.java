package io.zkclob.gateway.ws;

import io.zkclob.contracts.json.MessageJson;
import io.zkclob.gateway.OrderEntry;
import io.zkclob.gateway.PlainOrderPlace;
import io.zkclob.gateway.RateLimits;
import io.zkclob.gateway.ws.WsMessages.*;
import io.zkclob.support.ApiException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /api/v1/ws}: order entry over one WebSocket connection (docs/api.md), whatever serves the connection
 * (Tomcat on the HTTP port, {@link OrderEntryEndpoint}; our own event loop on {@code gateway.ws.port},
 * {@link NettyOrderEntryServer}). The client logs on once ({@code session.logon}: a signed {@code GET /api/v1/ws}
 * at a fresh timestamp, checked by the REST API's signature and replay rules), then sends requests that the REST
 * API's own code answers ({@link OrderEntry}); each response carries the request's id and the status and body REST
 * would have answered, and the account's execution reports arrive on the same connection ({@link WsSessions}).
 *
 * <p>A connection is bound to the account it logged on as until it logs off or closes: a request before the
 * logon is refused with 401 NOT_LOGGED_ON, one naming another account with 403 ACCOUNT_MISMATCH, a second logon
 * with 409 ALREADY_LOGGED_ON. The transport calls {@link #onText} for one connection at a time, in arrival order;
 * orders and cancels complete from the log's callback (responses may come in another order than the requests,
 * and an order's execution reports may come before its response: both carry the order id).
 */
final class OrderEntryProtocol {
    private static final Logger log = LoggerFactory.getLogger(OrderEntryProtocol.class);
    /** A request is one JSON object; an order is well under 1 KiB. Larger messages close the connection (1009). */
    static final int MAX_MESSAGE_CHARS = 16 * 1024;
    /** Request ids are echoed back: as long as a UUID and then some, no longer. */
    static final int MAX_ID_CHARS = 64;
    /**
     * orders.status calls order-service, and a logon may read the account's key from PostgreSQL (blocking I/O): on
     * virtual threads, never on an event loop.
     */
    private static final Executor BLOCKING = Executors.newVirtualThreadPerTaskExecutor();
    private final OrderEntry entry;
    private final WsSessions sessions;
    private final RateLimits limits;

    OrderEntryProtocol(OrderEntry entry, WsSessions sessions, RateLimits limits) {
        this.entry = entry;
        this.sessions = sessions;
        this.limits = limits;
    }

    /** A new connection from {@code address}, or null when the gateway already holds its maximum (close it 1013). */
    WsConnection open(WsTransport transport, String address) {
        return sessions.open(transport, address, limits.strikes());
    }

    static final WsClose TOO_MANY_CONNECTIONS = new WsClose(WsClose.TRY_AGAIN_LATER, "TOO_MANY_CONNECTIONS");

    void closed(WsConnection c) {
        sessions.closed(c);
    }

    /** A pong (or any frame) from the client. */
    void heard(WsConnection c) {
        c.heard();
    }

    /** One text message from the client, on its transport's reader. */
    void onText(WsConnection c, String text) {
        c.heard();
        if (c.holding()) { // a logon is being checked: in order, after it
            if (!c.hold(text)) {
                c.abusive = true;
                c.close(new WsClose(WsClose.POLICY_VIOLATION, "RATE_LIMITED: more than " + WsConnection.MAX_HELD_MESSAGES
                        + " messages before the logon's answer"));
            }
            return;
        }
        handle(c, text);
    }

    void handle(WsConnection c, String text) {
        if (c.abusive) return; // closed for abuse: what it still sends is not read
        // Charged before the message is read, so that a flood of malformed messages costs its sender too.
        RateLimits.Refused limited = charge(c);
        // Most messages are an order.place in the plain form, read without Jackson; anything else (a refusal for the
        // rate included, which needs the id) takes the strict reader below, which gives the same reading or refuses.
        PlainOrderPlace plain = limited == null ? PlainOrderPlace.read(text) : null;
        if (plain != null && plain.id().asString().length() <= MAX_ID_CHARS) {
            place(c, plain);
            return;
        }
        Request req;
        try {
            req = OrderEntry.read(text, Request.class);
            if (req.id() != null && (!req.id().isValueNode() || req.id().asString().length() > MAX_ID_CHARS)) {
                throw malformed("id must be a string or a number of at most " + MAX_ID_CHARS + " characters");
            }
            if (req.method() == null) throw malformed("method is required");
        } catch (ApiException e) {
            if (limited != null) rateLimited(c, null, limited);
            else refuse(c, null, e);
            return;
        }
        if (limited != null) {
            rateLimited(c, req.id(), limited);
            return;
        }
        try {
            dispatch(c, req);
        } catch (ApiException e) {
            refuse(c, req.id(), e);
        } catch (RuntimeException e) {
            log.error("websocket request {} failed", req.method(), e);
            refuse(c, req.id(), new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "the request failed"));
        }
    }

    /** order.place as {@link #dispatch} places it, read in its plain form (which has no params.accountId to check). */
    private void place(WsConnection c, PlainOrderPlace plain) {
        JsonNode id = plain.id();
        try {
            answerLater(c, id, entry.place(account(c, PLACE), plain));
        } catch (ApiException e) {
            refuse(c, id, e);
        } catch (RuntimeException e) {
            log.error("websocket request {} failed", PLACE.method(), e);
            refuse(c, id, new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "the request failed"));
        }
    }

    /** What {@link #account} reads of a plain order.place: its method; no params.accountId. */
    private static final Request PLACE = new Request(null, "order.place", null);

    /** The message's charge to the address and, once logged on, to the account: null when admitted. */
    private RateLimits.Refused charge(WsConnection c) {
        try {
            limits.address(c.address);
            long accountId = c.accountId();
            // The logon's own charge to the account is made by the signature check, once the account is proven.
            if (accountId != WsConnection.NOT_LOGGED_ON) limits.account(accountId);
            return null;
        } catch (RateLimits.Refused e) {
            return e;
        }
    }

    /**
     * A refusal for the rate (status 429, code RATE_LIMITED, the wait in its message); a connection that collects
     * more than it may (it ignores them) gets this last error frame and then a close, 1008 RATE_LIMITED.
     */
    private static void rateLimited(WsConnection c, JsonNode id, RateLimits.Refused e) {
        refuse(c, id, e);
        if (c.strikes.strike()) {
            c.abusive = true;
            c.closeAfterQueued(new WsClose(WsClose.POLICY_VIOLATION, "RATE_LIMITED: requests kept coming after the refusals"));
        }
    }

    private void dispatch(WsConnection c, Request req) {
        JsonNode id = req.id();
        switch (req.method()) {
            case "session.logon" -> logon(c, id, OrderEntry.read(paramsObject(req), LogonParams.class));
            case "session.status" -> reply(c, id, 200, status(c));
            case "session.logout" -> {
                sessions.loggedOff(c);
                reply(c, id, 200, status(c));
            }
            case "ping" -> reply(c, id, 200, Map.of());
            case "order.place" -> answerLater(c, id, entry.place(account(c, req), orderParams(req)));
            case "order.cancel" -> {
                long accountId = account(c, req);
                CancelParams p = params(req, CancelParams.class);
                if (p.orderId() == null) throw malformed("orderId is required");
                answerLater(c, id, entry.cancel(accountId, p.orderId()));
            }
            case "order.cancelAll" -> {
                long accountId = account(c, req);
                CancelAllParams p = params(req, CancelAllParams.class);
                answerLater(c, id, entry.cancelAll(accountId, p.market()));
            }
            case "orders.status" -> {
                long accountId = account(c, req);
                StatusParams p = params(req, StatusParams.class);
                Supplier<OrderEntry.Answer> query = p.orderId() != null ? () -> entry.order(accountId, p.orderId())
                        : () -> entry.orders(accountId, Boolean.TRUE.equals(p.open()), p.clientOrderId());
                answerLater(c, id, CompletableFuture.supplyAsync(query, BLOCKING));
            }
            default -> throw new ApiException(HttpStatus.BAD_REQUEST, "UNKNOWN_METHOD", "no method " + req.method()
                    + "; see docs/api.md for session.logon, order.place, order.cancel, order.cancelAll, orders.status");
        }
    }

    /**
     * session.logon. On a reader that may block (Tomcat's workers) it is checked there and then; on an event loop
     * it is checked on a virtual thread (the account's key may be read from PostgreSQL), and the messages that
     * arrive meanwhile are held and handled after it, in order, as if it had been checked inline.
     */
    private void logon(WsConnection c, JsonNode id, LogonParams p) {
        if (c.accountId() != WsConnection.NOT_LOGGED_ON) {
            throw new ApiException(HttpStatus.CONFLICT, "ALREADY_LOGGED_ON", "this connection is logged on as account "
                    + c.accountId() + "; session.logout first");
        }
        WsTransport t = c.transport;
        if (t.readerMayBlock()) {
            loggedOn(c, id, entry.logon(string(p.accountId()), string(p.timestamp()), p.signature()));
            return;
        }
        c.startHolding();
        t.pauseReading();
        CompletableFuture.supplyAsync(() -> entry.logon(string(p.accountId()), string(p.timestamp()), p.signature()), BLOCKING)
                .whenComplete((accountId, error) -> t.onReader(() -> {
                    if (error == null) loggedOn(c, id, accountId);
                    else refuse(c, id, OrderEntry.refusal(error));
                    c.stopHolding();
                    String next;
                    // Bounded by MAX_HELD_MESSAGES; a held logon starts holding again and keeps the rest for after it.
                    while (!c.holding() && (next = c.nextHeld()) != null) handle(c, next);
                    if (!c.holding()) t.resumeReading();
                }));
    }

    private void loggedOn(WsConnection c, JsonNode id, long accountId) {
        sessions.loggedOn(c, accountId);
        reply(c, id, 200, status(c));
    }

    /**
     * The account the connection is logged on as. A request may name it ({@code params.accountId}); naming
     * another is refused, never served for the logged-on account.
     */
    private static long account(WsConnection c, Request req) {
        long accountId = c.accountId();
        if (accountId == WsConnection.NOT_LOGGED_ON) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "NOT_LOGGED_ON", req.method() + " needs session.logon first");
        }
        JsonNode named = req.params() == null ? null : req.params().get("accountId");
        if (named != null && !(named.isIntegralNumber() && named.asLong() == accountId)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "ACCOUNT_MISMATCH", "this connection is logged on as account " + accountId);
        }
        return accountId;
    }

    /** params as an object (none: empty). */
    private static ObjectNode paramsObject(Request req) {
        if (req.params() == null || req.params().isNull()) return MessageJson.MAPPER.createObjectNode();
        if (!(req.params() instanceof ObjectNode o)) throw malformed("params must be an object");
        return o;
    }

    /** params without the accountId that {@link #account} has checked. */
    private static ObjectNode orderParams(Request req) {
        ObjectNode o = paramsObject(req);
        if (!o.has("accountId")) return o;
        ObjectNode copy = o.deepCopy();
        copy.remove("accountId");
        return copy;
    }

    private static <T> T params(Request req, Class<T> type) {
        return OrderEntry.read(orderParams(req), type);
    }

    private static String string(Long value) {
        return value == null ? null : value.toString();
    }

    private static SessionStatus status(WsConnection c) {
        long a = c.accountId();
        return new SessionStatus(a == WsConnection.NOT_LOGGED_ON ? null : a, c.connectedAtMs);
    }

    private static void answerLater(WsConnection c, JsonNode id, CompletableFuture<OrderEntry.Answer> answer) {
        answer.whenComplete((a, error) -> {
            if (error == null) reply(c, id, a.status(), a.body());
            else refuse(c, id, OrderEntry.refusal(error));
        });
    }

    /** Serialized by the connection's writer, not by the thread that completes the request (often the log's I/O thread). */
    private static void reply(WsConnection c, JsonNode id, int status, Object result) {
        c.sendJson(new Response(id, status, result, null));
    }

    private static void refuse(WsConnection c, JsonNode id, ApiException e) {
        c.sendJson(new Response(id, e.status().value(), null, new WsMessages.Error(e.code(), e.getMessage())));
    }

    private static ApiException malformed(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", detail);
    }
}
