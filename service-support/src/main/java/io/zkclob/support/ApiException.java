package io.zkclob.support;

import org.springframework.http.HttpStatus;

/** A refusal with a stable code, rendered as RFC 9457 problem details by {@link ProblemHandler}. */
public class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String code;

    public ApiException(HttpStatus status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }
}
