package io.zkclob.support;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class InternalEndpointGuardTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef-guard-test";
    final InternalEndpointGuard.Filter filter = new InternalEndpointGuard.Filter(new ServiceToken(SECRET));

    MockHttpServletResponse send(String token) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/internal/ledger/conservation");
        if (token != null) request.addHeader(ServiceToken.HEADER, token);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        if (chain.getRequest() != null) response.setStatus(299); // reached the handler
        return response;
    }

    @Test
    void withoutTheTokenA401ProblemWithAStableCode() throws Exception {
        for (String token : new String[] {null, "", "wrong", SECRET + "x", SECRET.substring(1), SECRET.toUpperCase()}) {
            MockHttpServletResponse r = send(token);
            assertEquals(401, r.getStatus(), String.valueOf(token));
            assertEquals("application/problem+json", r.getContentType());
            JsonNode body = JsonMapper.builder().build().readTree(r.getContentAsString());
            assertEquals(InternalEndpointGuard.CODE, body.get("code").asString());
            assertEquals(401, body.get("status").asInt());
        }
    }

    @Test
    void withTheTokenTheHandlerRuns() throws Exception {
        assertEquals(299, send(SECRET).getStatus());
    }

    @Test
    void aServiceWithoutATokenOrWithAShortOneRefusesToStart() {
        assertThrows(IllegalStateException.class, () -> ServiceToken.from(new MockEnvironment()));
        assertThrows(IllegalStateException.class, () -> new ServiceToken("short"));
        assertThrows(IllegalStateException.class, () -> new ServiceToken("0123456789abcdef 0123456789abcdef"));
        assertTrue(ServiceToken.from(new MockEnvironment().withProperty(ServiceToken.ENV, SECRET)).matches(SECRET));
        assertTrue(ServiceToken.from(new MockEnvironment().withProperty(ServiceToken.PROPERTY, SECRET)).matches(SECRET));
        assertFalse(new ServiceToken(SECRET).toString().contains(SECRET), "never printed");
    }
}
