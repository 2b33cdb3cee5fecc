package io.zkclob.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.web.multipart.MultipartException;

/** Issue 11 #7: a multipart body without a boundary fell through to the catch-all and answered 503 (retry later). */
class ProblemHandlerTest {
    @Test
    void anUnparseableMultipartBodyIsTheClientsError() {
        ProblemDetail p = new ProblemHandler().multipart(new MultipartException("Failed to parse multipart servlet request"));
        assertEquals(415, p.getStatus());
        assertEquals("UNSUPPORTED_MEDIA_TYPE", p.getProperties().get("code"));
    }
}
