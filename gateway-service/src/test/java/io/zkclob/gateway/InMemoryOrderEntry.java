package io.zkclob.gateway;

import io.zkclob.contracts.Event;
import io.zkclob.support.EventFeed;
import io.zkclob.support.ProblemHandler;
import java.util.List;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The REST API's order path over in-memory collaborators (GatewayEdgeTest's accounts and markets, a funds view
 * fed by hand, Kafka's MockProducer as the log), for the WebSocket transports' tests in {@code gateway.ws}.
 * Accounts 1 and 2 exist; any signature verifies (GatewayEdgeTest.Accounts); each holds 50 USDT.
 */
public final class InMemoryOrderEntry {
    /** Completes every append at once, on the appending thread. */
    public final MockProducer<String, String> producer = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    public final OrderEntry entry;
    /** The REST placements for the order-entry port, over the same collaborators. */
    public final RestOrderEntry rest;
    /** The HTTP port's endpoints (filters, advice) over the same collaborators, to compare the ports' answers. */
    public final MockMvc http;

    private final GatewayEdgeTest.Accounts accounts = new GatewayEdgeTest.Accounts();

    /** From now on account 2's key is read from "the database" (blocking) until {@code read} opens. */
    public void slowKeyRead(java.util.concurrent.CountDownLatch read) {
        accounts.account2KeyRead = read;
    }

    public InMemoryOrderEntry() {
        FundsView funds = new FundsView(() -> 3);
        funds.apply(List.of(new EventFeed.Indexed(0, 0, new Event.MarketAdded(0, 1, "ETH-USDT", 1, 2, 10_000, 100_000, 10_000_000, 1_000, 2_000)),
                new EventFeed.Indexed(1, 0, new Event.Deposited(1, 1, 2, 50_000_000, 1)),
                new EventFeed.Indexed(2, 0, new Event.Deposited(2, 2, 2, 50_000_000, 2))), 3);
        CommandLog log = new CommandLog(producer);
        TradingApi api = new TradingApi(accounts, new GatewayEdgeTest.FakeBackends(), log, null, funds, new OrderVerdicts());
        entry = new OrderEntry(api, accounts, log);
        rest = new RestOrderEntry(api, accounts);
        http = MockMvcBuilders.standaloneSetup(api).setControllerAdvice(new ProblemHandler(), new RateLimitAdvice())
                .addFilters(new BodyLimit(), new PlaceOrderFilter(api)).build();
    }

    /** An order's acknowledgement as the REST API answers it (its record is the gateway package's own). */
    public static Object ack(long orderId, long clientOrderId, Boolean duplicate) {
        return new ApiRecords.OrderAck(orderId, clientOrderId, "SEQUENCED", duplicate);
    }
}
