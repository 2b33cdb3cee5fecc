package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.*;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.OrderAccepted;
import io.zkclob.contracts.Event.OrderRejected;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.RejectCode;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.support.EventFeed.Indexed;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

class OrderVerdictsTest {
    static final long ALICE = 7;

    static OrderAccepted accepted(long seq, long clientOrderId) {
        return new OrderAccepted(seq, seq, ALICE, 1, clientOrderId, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 100, 1, 0, 2, 100);
    }

    static OrderRejected duplicateOf(long seq, long clientOrderId, long existingOrderId) {
        return new OrderRejected(seq, ALICE, 1, clientOrderId, RejectCode.DUPLICATE_CLIENT_ORDER_ID, existingOrderId);
    }

    static List<Indexed> batch(Event... events) {
        return java.util.Arrays.stream(events).map(e -> new Indexed(e.seq(), 0, e)).toList();
    }

    @Test
    void aWaiterGetsTheVerdictOfItsSeq() throws Exception {
        OrderVerdicts v = new OrderVerdicts();
        CompletableFuture<Event> w = v.await(12, 5_000);
        assertFalse(w.isDone());
        v.onEvents(batch(accepted(11, 5), duplicateOf(12, 5, 11)));
        assertEquals(duplicateOf(12, 5, 11), w.get());
        assertEquals(0, v.waiting());
    }

    @Test
    void aVerdictThatCameBeforeTheProducersCallbackIsStillFound() throws Exception {
        OrderVerdicts v = new OrderVerdicts();
        v.onEvents(batch(accepted(11, 5), accepted(13, 6)));
        assertEquals(accepted(11, 5), v.await(11, 5_000).get());
        assertNull(v.await(12, 5_000).get(), "passed without a verdict: unknown, not a wait until the timeout");
    }

    @Test
    void noVerdictInTimeCompletesWithNullAndLeavesNothingBehind() throws Exception {
        OrderVerdicts v = new OrderVerdicts();
        assertNull(v.await(40, 50).get());
        assertEquals(0, v.waiting());
    }

    @Test
    void aRetryIsAnsweredWithTheOriginalOrderAndAnythingElseWithItsSeq() {
        ResponseEntity<ApiRecords.OrderAck> retry = TradingApi.placed(12, 5, duplicateOf(12, 5, 11));
        assertEquals(202, retry.getStatusCode().value());
        assertEquals(11L, retry.getBody().orderId());
        assertEquals(true, retry.getBody().duplicate());
        ResponseEntity<ApiRecords.OrderAck> fresh = TradingApi.placed(12, 5, accepted(12, 5));
        assertEquals(12L, fresh.getBody().orderId());
        assertNull(fresh.getBody().duplicate(), "not written when false");
        assertEquals(12L, TradingApi.placed(12, 5, null).getBody().orderId());
        OrderRejected funds = new OrderRejected(12, ALICE, 1, 5, RejectCode.INSUFFICIENT_FUNDS, 0);
        assertEquals(12L, TradingApi.placed(12, 5, funds).getBody().orderId());
    }
}
