package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Hidden;
import io.zkclob.gateway.BinanceRecords.ErrorBody;
import io.zkclob.support.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Errors of /api/v3 as Binance writes them, {@code {"code": -NNNN, "msg": "..."}}, so that ccxt raises the
 * exception class a Binance user expects. Our stable codes (RejectCode, the gateway's refusals) are translated
 * here, in one table; 4xx stay 4xx (400, 401 for keys and signatures, 429), an unavailable backend is 503
 * with -1001 (ccxt: the outcome is unknown, retry).
 */
@Hidden
@RestControllerAdvice(assignableTypes = BinanceApi.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class BinanceErrors {
    private static final Logger log = LoggerFactory.getLogger(BinanceErrors.class);

    @ExceptionHandler(BinanceException.class)
    ResponseEntity<ErrorBody> binance(BinanceException e) {
        return ResponseEntity.status(e.status()).body(new ErrorBody(e.code(), e.getMessage()));
    }

    /** A signed request over its account's limit (RateLimits): 429 -1003 with Retry-After, as Binance answers. */
    @ExceptionHandler(RateLimits.Refused.class)
    ResponseEntity<ErrorBody> rateLimited(RateLimits.Refused e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", Long.toString(e.retryAfterSeconds()))
                .body(rateLimited(e.getMessage()));
    }

    static ErrorBody rateLimited(String detail) {
        return new ErrorBody(-1003, "Too many requests; " + detail);
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ErrorBody> ours(ApiException e) {
        return binance(translate(e.code(), e.getMessage()));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ErrorBody> missing(MissingServletRequestParameterException e) {
        return binance(BinanceException.mandatory(e.getParameterName()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ErrorBody> mismatch(MethodArgumentTypeMismatchException e) {
        return binance(BinanceException.badRequest(-1100, "Illegal characters found in parameter '" + e.getName() + "'."));
    }

    /** A query string Tomcat cannot parse (a parameter without a name): Binance's "illegal characters", not -1001. */
    @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
    ResponseEntity<ErrorBody> invalidParameter(org.apache.tomcat.util.http.InvalidParameterException e) {
        return binance(BinanceException.badRequest(-1100, "Illegal characters found in a parameter."));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorBody> unexpected(Exception e) {
        log.error("unexpected error in /api/v3", e);
        return binance(new BinanceException(HttpStatus.SERVICE_UNAVAILABLE, -1001, "Internal error; unable to process your request. Please try again."));
    }

    /** One of our codes (RejectCode names, gateway refusals) as Binance's code and message. */
    static BinanceException translate(String code, String detail) {
        return switch (code) {
            case "INSUFFICIENT_FUNDS" -> BinanceException.rejected(BinanceException.INSUFFICIENT_BALANCE);
            case "POST_ONLY_WOULD_CROSS" -> BinanceException.rejected(BinanceException.WOULD_TAKE);
            case "DUPLICATE_CLIENT_ORDER_ID" -> BinanceException.rejected("Duplicate order sent.");
            case "MARKET_HALTED" -> BinanceException.rejected("Market is closed.");
            case "TOO_MANY_OPEN_ORDERS" -> BinanceException.rejected("Too many open orders: " + detail);
            case "INVALID_ORDER_TYPE" -> BinanceException.rejected("Unsupported order combination: " + detail);
            case "INVALID_TICK" -> BinanceException.badRequest(-1013, "Filter failure: PRICE_FILTER (" + detail + ")");
            case "INVALID_LOT" -> BinanceException.badRequest(-1013, "Filter failure: LOT_SIZE (" + detail + ")");
            case "BELOW_MIN_NOTIONAL" -> BinanceException.badRequest(-1013, "Filter failure: NOTIONAL (" + detail + ")");
            case "INVALID_AMOUNT", "AMOUNT_OVERFLOW" -> BinanceException.badRequest(-1013, "Invalid quantity or price: " + detail);
            case "UNKNOWN_MARKET" -> BinanceException.badSymbol();
            case "ORDER_NOT_FOUND", "NOT_ORDER_OWNER" -> BinanceException.noSuchOrder();
            case "MALFORMED_REQUEST", "MALFORMED" -> BinanceException.badRequest(-1100, detail);
            case "TOO_MANY_REQUESTS", "RATE_LIMITED" -> new BinanceException(HttpStatus.TOO_MANY_REQUESTS, -1003, "Too many requests: " + detail);
            case "REQUEST_IN_PROGRESS" -> BinanceException.rejected("Duplicate order sent.");
            case "LOG_UNAVAILABLE", "BACKEND_UNAVAILABLE", "UNAVAILABLE" -> new BinanceException(HttpStatus.SERVICE_UNAVAILABLE, -1001,
                    "Internal error; unable to process your request. Please try again.");
            default -> BinanceException.rejected(code + ": " + detail);
        };
    }
}
