package io.zkclob.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkclob.contracts.CancelReason;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.RejectCode;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.gateway.ws.WsMessages.ExecutionReport;
import io.zkclob.support.EventFeed.Indexed;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Execution reports are built around the event's JSON from the log: they must read exactly as the record writes. */
class WsSessionsTest {
    private static final List<Event> EVENTS = List.of(
            new Event.OrderAccepted(12, 12, 1, 1, 0, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 2_900_000_000L,
                    50_000_000L, 0, 2, 1_452_900_000L),
            new Event.OrderRejected(13, 2, 1, 77, RejectCode.DUPLICATE_CLIENT_ORDER_ID, 12),
            new Event.TradeExecuted(14, 1, 12, 1, 14, 2, Side.SELL, 2_900_000_000L, 50_000_000L, 1_450_000_000L,
                    0, 1_450_000L, 0, Long.MAX_VALUE),
            new Event.OrderCanceled(15, 12, 1, 1, CancelReason.USER, 0, 2, 0),
            new Event.CancelRejected(16, 1, 99, 0, RejectCode.ORDER_NOT_FOUND));

    @Test
    void reportsReadAsTheRecordWrites() {
        int i = 0;
        for (Event e : EVENTS) {
            String expected = MessageJson.write(new ExecutionReport("TRADE", 4242, e));
            assertEquals(expected, utf8(WsSessions.reportUtf8("TRADE", 4242,
                    new Indexed(e.seq(), i, e, 1_700_000_000_000L, MessageJson.write(e).getBytes(StandardCharsets.UTF_8)))));
            assertEquals(expected, utf8(WsSessions.reportUtf8("TRADE", 4242, new Indexed(e.seq(), i++, e))));
        }
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
