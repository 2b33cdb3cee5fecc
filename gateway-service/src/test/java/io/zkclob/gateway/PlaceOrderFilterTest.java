package io.zkclob.gateway;

import static io.zkclob.gateway.GatewayEdgeTest.json;
import static io.zkclob.gateway.GatewayEdgeTest.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.RejectCode;
import io.zkclob.support.EventFeed.Indexed;
import io.zkclob.support.ProblemHandler;
import jakarta.servlet.DispatcherType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * POST /api/v1/orders served by {@link PlaceOrderFilter} answers what the Spring MVC endpoint answers: the same
 * status, content type and body, for a placement, a duplicate clientOrderId, a log that did not acknowledge and
 * the synchronous refusals, each from its own append's callback.
 */
class PlaceOrderFilterTest {
    /** One gateway: its log, its verdicts and its MockMvc, with the filter or without it (the endpoint alone). */
    record Gateway(MockProducer<String, String> producer, OrderVerdicts verdicts, MockMvc mvc) {
        static Gateway of(boolean filtered) {
            MockProducer<String, String> producer = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
            OrderVerdicts verdicts = new OrderVerdicts();
            TradingApi api = new TradingApi(new GatewayEdgeTest.Accounts(), new GatewayEdgeTest.FakeBackends(), new CommandLog(producer),
                    null, new FundsView(() -> 0), verdicts);
            var setup = MockMvcBuilders.standaloneSetup(api).setControllerAdvice(new ProblemHandler(), new RateLimitAdvice());
            MockMvc mvc = filtered ? setup.addFilters(new BodyLimit(), new PlaceOrderFilter(api)).build()
                    : setup.addFilters(new BodyLimit()).build();
            return new Gateway(producer, verdicts, mvc);
        }

        MvcResult start(MockHttpServletRequestBuilder request) throws Exception {
            return mvc.perform(request).andReturn();
        }

        /** The answer once the order's future has completed: the dispatch the container makes (the filter's or Spring's). */
        MockHttpServletResponse answer(MvcResult started) throws Exception {
            if (!started.getRequest().isAsyncStarted()) return started.getResponse();
            if (started.getRequest().getAttribute(PlaceOrderFilter.ANSWER) == null
                    && started.getRequest().getAttribute(PlaceOrderFilter.REFUSAL) == null) {
                return mvc.perform(asyncDispatch(started)).andReturn().getResponse(); // Spring MVC's own async result
            }
            assertNotNull(((MockAsyncContext) started.getRequest().getAsyncContext()).getDispatchedPath(), "the callback dispatched");
            return mvc.perform(context -> {
                var request = started.getRequest();
                request.setDispatcherType(DispatcherType.ASYNC);
                request.setAsyncStarted(false);
                return request;
            }).andReturn().getResponse();
        }
    }

    final Gateway endpoint = Gateway.of(false);
    final Gateway filtered = Gateway.of(true);
    static final String ORDER = "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.01\"}";

    static MockHttpServletRequestBuilder order(String body) {
        return json(post("/api/v1/orders"), body).header("X-Account-Id", "1");
    }

    static void same(MockHttpServletResponse expected, MockHttpServletResponse actual) throws Exception {
        assertEquals(expected.getStatus(), actual.getStatus());
        assertEquals(expected.getContentType(), actual.getContentType());
        assertEquals(expected.getContentAsString(StandardCharsets.UTF_8), actual.getContentAsString(StandardCharsets.UTF_8));
        assertEquals(expected.getHeader("Retry-After"), actual.getHeader("Retry-After"));
    }

    @Test
    void anOrderIsAnsweredAsTheEndpointAnswersIt() throws Exception {
        MvcResult viaEndpoint = endpoint.start(order(ORDER));
        MvcResult viaFilter = filtered.start(order(ORDER));
        assertTrue(viaFilter.getRequest().isAsyncStarted(), "it waits for its append");
        assertNull(viaFilter.getRequest().getAttribute(PlaceOrderFilter.ANSWER), "not before the append completes");
        endpoint.producer().completeNext();
        filtered.producer().completeNext();
        MockHttpServletResponse expected = endpoint.answer(viaEndpoint);
        assertEquals(202, expected.getStatus(), expected.getContentAsString());
        same(expected, filtered.answer(viaFilter));
    }

    @Test
    void aLogThatDoesNotAcknowledgeIs503AsOnTheEndpoint() throws Exception {
        MvcResult viaEndpoint = endpoint.start(order(ORDER));
        MvcResult viaFilter = filtered.start(order(ORDER));
        endpoint.producer().errorNext(new org.apache.kafka.common.errors.TimeoutException("not acknowledged"));
        filtered.producer().errorNext(new org.apache.kafka.common.errors.TimeoutException("not acknowledged"));
        MockHttpServletResponse r = filtered.answer(viaFilter);
        refused(503, "LOG_UNAVAILABLE", r);
        same(endpoint.answer(viaEndpoint), r);
    }

    @Test
    void aDuplicateClientOrderIdIsAnsweredWithTheOriginalOrder() throws Exception {
        String withId = ORDER.replace("}", ",\"clientOrderId\":77}");
        MvcResult viaEndpoint = endpoint.start(order(withId));
        MvcResult viaFilter = filtered.start(order(withId));
        for (Gateway g : List.of(endpoint, filtered)) {
            g.producer().completeNext(); // seq 0
            g.verdicts().onEvents(List.of(new Indexed(0, 0, new Event.OrderRejected(0, 1, 1, 77, RejectCode.DUPLICATE_CLIENT_ORDER_ID, 5))));
        }
        MockHttpServletResponse r = filtered.answer(viaFilter);
        assertTrue(r.getContentAsString().contains("\"orderId\":5") && r.getContentAsString().contains("\"duplicate\":true"),
                r.getContentAsString());
        same(endpoint.answer(viaEndpoint), r);
    }

    @Test
    void refusalsAreTheEndpointsAndNeverReachTheLog() throws Exception {
        List<MockHttpServletRequestBuilder> requests = List.of(
                order(ORDER.replace("ETH-USDT", "eth-usdt")), // 404 UNKNOWN_MARKET
                order(ORDER.replace("3000", "3000.001")), // 422 INVALID_TICK
                order("null"), // 400 MALFORMED_REQUEST
                post("/api/v1/orders").header("X-Account-Id", "1"), // no body: 400 MALFORMED_REQUEST
                json(post("/api/v1/orders"), ORDER)); // 401 MISSING_SIGNATURE
        for (MockHttpServletRequestBuilder request : requests) {
            MockHttpServletResponse expected = endpoint.answer(endpoint.start(request));
            assertTrue(expected.getStatus() >= 400, expected.getStatus() + " " + expected.getContentAsString());
            same(expected, filtered.answer(filtered.start(request)));
        }
        assertTrue(filtered.producer().history().isEmpty(), "nothing refused reaches the log");
    }

    /** Spring MVC places it and then answers 406 (no XML converter): the filter leaves such a request to it. */
    @Test
    void anAcceptThatExcludesJsonIsLeftToTheEndpoint() throws Exception {
        assertTrue(PlaceOrderFilter.acceptsJson(null));
        assertTrue(PlaceOrderFilter.acceptsJson("application/json, text/plain, */*"));
        MvcResult viaEndpoint = endpoint.start(order(ORDER).accept("application/xml"));
        MvcResult viaFilter = filtered.start(order(ORDER).accept("application/xml"));
        assertNull(viaFilter.getRequest().getAttribute(PlaceOrderFilter.ANSWER));
        endpoint.producer().completeNext();
        filtered.producer().completeNext();
        MockHttpServletResponse expected = endpoint.answer(viaEndpoint);
        assertEquals(406, expected.getStatus(), expected.getContentAsString());
        same(expected, filtered.answer(viaFilter));
    }
}
