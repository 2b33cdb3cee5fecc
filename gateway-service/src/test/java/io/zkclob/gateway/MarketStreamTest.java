package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.OrderAccepted;
import io.zkclob.contracts.Event.TradeExecuted;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.support.EventFeed.Indexed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11 #4: the live book counted redelivered events twice and crossed. */
class MarketStreamTest {
    static final int ETH_USDT = 1;

    static OrderAccepted limit(long seq, long account, Side side, long price, long qty) {
        return new OrderAccepted(seq, seq, account, ETH_USDT, 0, side, OrderType.LIMIT, TimeInForce.GTC, price, qty, 0, 1, 0);
    }

    static TradeExecuted trade(long seq, long maker, long taker, Side takerSide, long price, long qty) {
        return new TradeExecuted(seq, ETH_USDT, maker, 100 + maker, taker, 100 + taker, takerSide, price, qty, price * qty, 0, 0, 0, 0);
    }

    /** Each command's events with their index inside the command, as the feed delivers them. */
    static List<Indexed> indexed(Event... events) {
        List<Indexed> out = new ArrayList<>();
        long seq = -1;
        int index = 0;
        for (Event e : events) {
            index = e.seq() == seq ? index + 1 : 0;
            seq = e.seq();
            out.add(new Indexed(seq, index, e));
        }
        return out;
    }

    static String depth(MarketStream stream) {
        Map<String, Object> s = stream.snapshot(ETH_USDT, 10);
        StringBuilder b = new StringBuilder("seq=" + s.get("seq"));
        for (String side : List.of("bids", "asks")) {
            b.append(' ').append(side).append('=');
            for (Object level : (List<?>) s.get(side)) b.append(java.util.Arrays.toString((long[]) level));
        }
        return b.toString();
    }

    final List<Indexed> batch = indexed(
            limit(10, 1, Side.SELL, 3000, 5),            // rests: ask 3000 x 5
            limit(11, 2, Side.BUY, 2990, 4),             // rests: bid 2990 x 4
            limit(12, 3, Side.BUY, 3000, 2),             // takes 2 from the ask
            trade(12, 10, 12, Side.BUY, 3000, 2));

    @Test
    void aRedeliveredBatchChangesNothing() {
        MarketStream stream = new MarketStream();
        stream.onEvents(batch);
        String once = depth(stream);
        assertEquals("seq=12 bids=[2990, 4] asks=[3000, 3]", once);
        stream.onEvents(batch);
        assertEquals(once, depth(stream));
        stream.onEvents(batch.subList(2, 4)); // a partial redelivery, too
        assertEquals(once, depth(stream));
    }

    @Test
    void aRedeliveryOverlappingNewEventsAppliesOnlyTheNewOnes() {
        MarketStream stream = new MarketStream();
        stream.onEvents(batch.subList(0, 2));
        List<Indexed> overlapping = new ArrayList<>(batch);
        stream.onEvents(overlapping);
        assertEquals("seq=12 bids=[2990, 4] asks=[3000, 3]", depth(stream));
    }

    @Test
    void aCommandSplitAcrossTwoBatchesLeavesTheBookUncrossed() {
        MarketStream stream = new MarketStream();
        stream.onEvents(batch.subList(0, 2));
        // A buy at 3000 for 7: its acceptance arrives in one poll, its trade in the next.
        List<Indexed> command = indexed(limit(13, 4, Side.BUY, 3000, 7), trade(13, 10, 13, Side.BUY, 3000, 5));
        stream.onEvents(command.subList(0, 1));
        stream.onEvents(command.subList(1, 2));
        String d = depth(stream);
        assertEquals("seq=13 bids=[3000, 2][2990, 4] asks=", d);
        assertTrue(!d.contains("asks=[3000"), d);
    }
}
