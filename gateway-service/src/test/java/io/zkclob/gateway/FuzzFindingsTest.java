package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.zkclob.support.ProblemHandler;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the fuzzer found (issue 11, API fuzzing; docs/reliability.md): Tomcat's refusal of a query string it cannot
 * parse ({@code GET /api/v1/orders?clientOrderId=0&=null}) reached the catch-all and was answered 503 "retry later".
 * MockMvc does not parse queries as Tomcat does, so the controller here raises Tomcat's exception itself; FuzzIT sends
 * the real request to the real server.
 */
class FuzzFindingsTest {
    @RestController
    static class Parses {
        @GetMapping("/api/v1/parsed")
        String parsed() {
            throw new InvalidParameterException("Invalid chunk starting at byte [16] and ending at byte [21] with a value of [=null] ignored");
        }
    }

    @Test
    void aQueryTomcatCannotParseIsA400NotA503() throws Exception {
        MockMvc mvc = MockMvcBuilders.standaloneSetup(new Parses()).setControllerAdvice(new ProblemHandler()).build();
        MockHttpServletResponse r = mvc.perform(get("/api/v1/parsed")).andReturn().getResponse();
        assertEquals(400, r.getStatus(), r.getContentAsString());
        assertTrue(r.getContentAsString().contains("\"code\":\"MALFORMED_REQUEST\""), r.getContentAsString());
    }

    @Test
    void onTheBinanceLayerItIsMinus1100() {
        var r = new BinanceErrors().invalidParameter(new InvalidParameterException("x"));
        assertEquals(400, r.getStatusCode().value());
        assertEquals(-1100, r.getBody().code());
    }

    @Test
    void aBodyUnderApiV1IsJsonInUtf8OrA415() {
        for (String type : new String[] {null, "text/plain", "application/xml", "multipart/form-data", "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded", "application/json; charset=utf-16", "application/json; charset=nope", "*/*", ";;;",
                "application/jsonx"}) {
            assertTrue(!BodyLimit.json(type), String.valueOf(type));
        }
        for (String type : new String[] {"application/json", "application/json; charset=UTF-8", "Application/JSON;charset=utf-8",
                "application/json; charset=\"utf-8\""}) {
            assertTrue(BodyLimit.json(type), type);
        }
    }

    /** schemathesis: {"type":"SetMarketStatus", "status": null, ...} was sequenced, a command without its status. */
    @Test
    void anOperatorCommandWithoutAFieldIsRefused() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.zkclob.support.ApiException.class,
                () -> AdminApi.requireEveryField(new io.zkclob.contracts.Command.SetMarketStatus(-1, 0, 1, null)));
        assertEquals(400, e.status().value());
        assertEquals("MALFORMED_REQUEST", e.code());
        AdminApi.requireEveryField(new io.zkclob.contracts.Command.SetMarketStatus(-1, 0, 1, io.zkclob.contracts.MarketStatus.HALTED));
    }
}
