package io.zkclob.gateway;

import static io.zkclob.gateway.GatewayEdgeTest.json;
import static io.zkclob.gateway.GatewayEdgeTest.refused;
import static org.junit.jupiter.api.Assertions.*;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.RejectCode;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.contracts.Topics;
import io.zkclob.support.EventFeed.Indexed;
import io.zkclob.support.ProblemHandler;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * A placement with a clientOrderId is answered from the engine's verdict, so a retry is never placed twice,
 * whatever failed before it; the gateway keeps no ids of its own (docs/engine-spec.md §3.3).
 */
class ClientOrderIdRetryTest {
    final MockProducer<String, String> producer = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
    final OrderVerdicts verdicts = new OrderVerdicts();
    final MockMvc gateway = MockMvcBuilders.standaloneSetup(new TradingApi(new GatewayEdgeTest.Accounts(),
                    new GatewayEdgeTest.FakeBackends(), new CommandLog(producer), null, new FundsView(() -> 0), verdicts))
            .setControllerAdvice(new ProblemHandler()).build();
    static final String ORDER = "{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"3000\",\"qty\":\"0.01\",\"clientOrderId\":77}";

    static Event.OrderAccepted accepted(long seq) {
        return new Event.OrderAccepted(seq, seq, 1, 1, 77, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 3_000_000_000L, 1_000_000, 0, 2, 30_060_000);
    }

    /**
     * The first append times out (503), yet it reached the log and the engine accepted it: the retry reaches the
     * log too, the engine rejects the repeat naming the first order, and the client gets that order.
     */
    @Test
    void aRetryAfterAnAmbiguousAppendFailureIsAnsweredWithTheOriginalOrder() throws Exception {
        producer.send(new ProducerRecord<>(Topics.COMMANDS, 0, "x", "the command at seq 0"));
        producer.completeNext();
        MvcResult first = gateway.perform(json(post("/api/v1/orders"), ORDER).header("X-Account-Id", "1")).andReturn();
        producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("not acknowledged"));
        refused(503, "LOG_UNAVAILABLE", gateway.perform(asyncDispatch(first)).andReturn().getResponse());
        verdicts.onEvents(List.of(new Indexed(1, 0, accepted(1)))); // it had landed, at seq 1

        MvcResult retry = gateway.perform(json(post("/api/v1/orders"), ORDER).header("X-Account-Id", "1")).andReturn();
        producer.completeNext(); // the retry is appended too, at seq 2 (MockProducer numbers records as it takes them)
        verdicts.onEvents(List.of(new Indexed(2, 0,
                new Event.OrderRejected(2, 1, 1, 77, RejectCode.DUPLICATE_CLIENT_ORDER_ID, 1))));
        MockHttpServletResponse r = gateway.perform(asyncDispatch(retry)).andReturn().getResponse();
        assertEquals(202, r.getStatus(), r.getContentAsString());
        var body = io.zkclob.contracts.json.MessageJson.MAPPER.readTree(r.getContentAsString());
        assertEquals(1, body.get("orderId").asLong(), body.toString());
        assertTrue(body.get("duplicate").asBoolean(), body.toString());
    }
}
