package io.zkclob.gateway;

import org.springframework.http.HttpStatus;

/**
 * A refusal of the Binance-compatible API, answered as Binance does: {@code {"code": -NNNN, "msg": "..."}}. The
 * codes and messages are Binance's own, because ccxt maps them (and a few exact messages) to its exception
 * classes (docs/api.md lists the mapping).
 */
final class BinanceException extends RuntimeException {
    static final String INSUFFICIENT_BALANCE = "Account has insufficient balance for requested action.";
    static final String WOULD_TAKE = "Order would immediately match and take.";
    private final HttpStatus status;
    private final int code;

    BinanceException(HttpStatus status, int code, String msg) {
        super(msg);
        this.status = status;
        this.code = code;
    }

    HttpStatus status() {
        return status;
    }

    int code() {
        return code;
    }

    static BinanceException badRequest(int code, String msg) {
        return new BinanceException(HttpStatus.BAD_REQUEST, code, msg);
    }

    static BinanceException unauthorized(int code, String msg) {
        return new BinanceException(HttpStatus.UNAUTHORIZED, code, msg);
    }

    static BinanceException badSymbol() {
        return badRequest(-1121, "Invalid symbol.");
    }

    static BinanceException mandatory(String param) {
        return badRequest(-1102, "Mandatory parameter '" + param + "' was not sent, was empty/null, or malformed.");
    }

    static BinanceException rejected(String msg) {
        return badRequest(-2010, msg);
    }

    static BinanceException noSuchOrder() {
        return badRequest(-2013, "Order does not exist.");
    }

    static BinanceException unknownOrderToCancel() {
        return badRequest(-2011, "Unknown order sent.");
    }
}
