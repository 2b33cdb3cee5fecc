package io.zkclob.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.multipart.MultipartException;

/** Issue 11 #7: a multipart body without a boundary fell through to the catch-all and answered 503 (retry later). */
class ProblemHandlerTest {
    @Test
    void anUnparseableMultipartBodyIsTheClientsError() {
        ProblemDetail p = new ProblemHandler().multipart(new MultipartException("Failed to parse multipart servlet request"));
        assertEquals(415, p.getStatus());
        assertEquals("UNSUPPORTED_MEDIA_TYPE", p.getProperties().get("code"));
    }

    @Test
    void springsOwnClientErrorsKeepTheir4xx() {
        ProblemDetail p = new ProblemHandler().unexpected(new HttpMediaTypeNotAcceptableException(List.of(MediaType.APPLICATION_JSON))).getBody();
        assertEquals(406, p.getStatus());
        assertEquals("NOT_ACCEPTABLE", p.getProperties().get("code"));
        ProblemDetail missing = new ProblemHandler().unexpected(new MissingServletRequestParameterException("levels", "int")).getBody();
        assertEquals(400, missing.getStatus());
        assertEquals("MALFORMED_REQUEST", missing.getProperties().get("code"));
        assertEquals(503, new ProblemHandler().unexpected(new IllegalStateException("bug")).getStatusCode().value(), "anything else is still 503");
    }

    /** The fuzzer's conformance check: Spring Boot's handler answered these without a code, and 405 must keep Allow. */
    @Test
    void typeMismatchesHaveACodeAndMethodRefusalsKeepAllow() throws Exception {
        var mismatch = new org.springframework.web.method.annotation.MethodArgumentTypeMismatchException("9223372036854775808", long.class,
                "height", null, new NumberFormatException());
        ProblemDetail p = new ProblemHandler().badParameter(mismatch);
        assertEquals(400, p.getStatus());
        assertEquals("MALFORMED_REQUEST", p.getProperties().get("code"));
        assertEquals("'height' is not a valid long", p.getDetail());
        var allow = new ProblemHandler().method(new org.springframework.web.HttpRequestMethodNotSupportedException("PUT", List.of("GET", "POST")));
        assertEquals(405, allow.getStatusCode().value());
        assertEquals("METHOD_NOT_ALLOWED", allow.getBody().getProperties().get("code"));
        assertEquals(java.util.Set.of(org.springframework.http.HttpMethod.GET, org.springframework.http.HttpMethod.POST), allow.getHeaders().getAllow());
    }
}
