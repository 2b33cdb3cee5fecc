package io.zkclob.support;

import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error leaves as problem details with a {@code code} a program can switch on. Unexpected failures are
 * logged and answered 503 (retry later): the command either reached the log or it did not; never a 500 with
 * a half-applied command.
 *
 * <p>Ordered before Spring Boot's own {@code ProblemDetailsExceptionHandler} (order 0, on where
 * {@code spring.mvc.problemdetails.enabled}): that one answered Spring's refusals (a path variable that is not a
 * number, a missing parameter) as problem details without a {@code code}, against the documented schema (found by
 * the fuzzer's conformance checks). Advice that must see its exceptions first (the gateway's rate limits, the
 * Binance errors) is ordered before this one.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ProblemHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    public static ProblemDetail problem(HttpStatus status, String code, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create("https://zkclob.io/errors/" + code.toLowerCase().replace('_', '-')));
        p.setTitle(code);
        p.setProperty("code", code);
        return p;
    }

    @ExceptionHandler(ApiException.class)
    ProblemDetail api(ApiException e) {
        return problem(e.status(), e.code(), e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        return problem(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "the request body is not valid JSON for this endpoint");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail badParameter(MethodArgumentTypeMismatchException e) {
        String type = e.getRequiredType() == null ? "value" : e.getRequiredType().getSimpleName();
        return problem(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "'" + e.getName() + "' is not a valid " + type);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badArgument(IllegalArgumentException e) {
        return problem(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", e.getMessage());
    }

    /**
     * Tomcat refuses a query string or form it cannot parse (a parameter without a name: {@code ?=x}, {@code &=null})
     * when a handler first asks for a parameter, with an IllegalStateException of its own: the client's error, 400.
     * Found by the fuzzer (it was 503 "retry later").
     */
    @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
    ProblemDetail invalidParameter(org.apache.tomcat.util.http.InvalidParameterException e) {
        return problem(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "the query string is malformed (a parameter without a name?)");
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ProblemDetail missingHeader(MissingRequestHeaderException e) {
        return problem(HttpStatus.UNAUTHORIZED, "MISSING_SIGNATURE", "missing header " + e.getHeaderName());
    }

    /** With the {@code Allow} header Spring computed: a client learns which methods the resource has. */
    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED).headers(e.getHeaders())
                .body(problem(HttpStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", e.getMessage()));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).headers(e.getHeaders())
                .body(problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE", "send application/json"));
    }

    /** A multipart body we cannot parse (no boundary, say) is the client's error: no retry can help. */
    @ExceptionHandler(MultipartException.class)
    ProblemDetail multipart(MultipartException e) {
        return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE", "send application/json");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ProblemDetail notFound(NoResourceFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "NOT_FOUND", "no such endpoint");
    }

    /**
     * The client went away (a stream's reader closed it): nothing can be written to it and nothing went wrong here.
     * Spring Boot's handler, which this one now precedes, dropped these silently too.
     */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void disconnected(AsyncRequestNotUsableException e) {
        // nothing to answer
    }

    /** An asynchronous request (a long poll, a stream) ran out of time: the transient answer, without an alarm. */
    @ExceptionHandler(AsyncRequestTimeoutException.class)
    ResponseEntity<ProblemDetail> timedOut(AsyncRequestTimeoutException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", "timed out, retry later"));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        // Spring's own refusals (not acceptable, missing parameter, ...) carry their 4xx status and headers: a
        // client error is never "retry later".
        if (e instanceof ErrorResponse r && r.getStatusCode().is4xxClientError()) {
            HttpStatus status = HttpStatus.valueOf(r.getStatusCode().value());
            String code = switch (status) {
                case NOT_FOUND -> "NOT_FOUND";
                case METHOD_NOT_ALLOWED -> "METHOD_NOT_ALLOWED";
                case NOT_ACCEPTABLE -> "NOT_ACCEPTABLE";
                case UNSUPPORTED_MEDIA_TYPE -> "UNSUPPORTED_MEDIA_TYPE";
                default -> "MALFORMED_REQUEST";
            };
            return ResponseEntity.status(status).headers(r.getHeaders()).body(problem(status, code, status.getReasonPhrase()));
        }
        log.error("unexpected failure", e);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", "temporarily unavailable, retry later"));
    }
}
