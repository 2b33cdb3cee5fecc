package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Hidden;
import io.zkclob.support.ProblemHandler;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * An account's rate limit refusal (raised once its signature has verified, {@link RateLimits}) as problem details
 * with code RATE_LIMITED and Retry-After; the shared {@link ProblemHandler} renders other refusals but sets no
 * headers. The Binance layer answers its own format first ({@link BinanceErrors} has the higher precedence).
 */
@Hidden
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class RateLimitAdvice {
    @ExceptionHandler(RateLimits.Refused.class)
    ResponseEntity<ProblemDetail> rateLimited(RateLimits.Refused e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", Long.toString(e.retryAfterSeconds()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemHandler.problem(HttpStatus.TOO_MANY_REQUESTS, RateLimits.CODE, e.getMessage()));
    }
}
