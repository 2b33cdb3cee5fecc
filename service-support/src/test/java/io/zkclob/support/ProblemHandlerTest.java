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
        ProblemDetail p = new ProblemHandler().unexpected(new HttpMediaTypeNotAcceptableException(List.of(MediaType.APPLICATION_JSON)));
        assertEquals(406, p.getStatus());
        assertEquals("NOT_ACCEPTABLE", p.getProperties().get("code"));
        ProblemDetail missing = new ProblemHandler().unexpected(new MissingServletRequestParameterException("levels", "int"));
        assertEquals(400, missing.getStatus());
        assertEquals("MALFORMED_REQUEST", missing.getProperties().get("code"));
        assertEquals(503, new ProblemHandler().unexpected(new IllegalStateException("bug")).getStatus(), "anything else is still 503");
    }
}
