package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.*;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.RejectCode;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.engine.Exchange;
import io.zkclob.engine.RandomCommands;
import io.zkclob.support.ApiException;
import io.zkclob.support.EventFeed.Indexed;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FundsViewTest {
    static final int ETH = 1;
    static final int USDT = 2;
    static final long ALICE = 1;

    static List<Indexed> events(Event... events) {
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

    static OrderAccepted accepted(long seq, long hold) {
        return new OrderAccepted(seq, seq, ALICE, 1, 0, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 30_000_000, 1_000_000, 0, USDT, hold);
    }

    FundsView view = new FundsView(() -> 0);

    @Test
    void aRedeliveredBatchIsAppliedOnce() {
        List<Indexed> batch = events(new Deposited(0, ALICE, USDT, 100, 1), new Deposited(1, ALICE, USDT, 50, 2));
        view.apply(batch, 2);
        view.apply(batch, 2);
        view.apply(batch.subList(1, 2), 2);
        assertEquals(150, view.available(ALICE, USDT));
    }

    @Test
    void aReservationHoldsUntilTheVerdictIsAppliedThenTheEngineHoldCounts() {
        view.apply(events(new Deposited(0, ALICE, USDT, 100, 1)), 1);
        FundsView.Reservation r = view.reserve(ALICE, USDT, 60, "USDT");
        assertEquals(40, view.available(ALICE, USDT));
        ApiException refused = assertThrows(ApiException.class, () -> view.reserve(ALICE, USDT, 50, "USDT"));
        assertEquals("INSUFFICIENT_FUNDS", refused.code());
        view.sequenced(r, 5);
        assertEquals(1, view.reservationsInFlight());
        view.apply(events(accepted(5, 61)), 6); // the engine's hold is what counts from now on
        assertEquals(39, view.available(ALICE, USDT));
        assertEquals(0, view.reservationsInFlight());
    }

    @Test
    void aVerdictAppliedBeforeTheAppendCallbackReleasesAtOnce() {
        view.apply(events(new Deposited(0, ALICE, USDT, 100, 1)), 1);
        FundsView.Reservation r = view.reserve(ALICE, USDT, 60, "USDT");
        view.apply(events(new OrderRejected(3, ALICE, 1, 0, RejectCode.INSUFFICIENT_FUNDS, 0)), 4);
        view.sequenced(r, 3);
        assertEquals(100, view.available(ALICE, USDT));
        assertEquals(0, view.reservationsInFlight());
    }

    @Test
    void aFailedAppendReleasesItsReservation() {
        view.apply(events(new Deposited(0, ALICE, USDT, 100, 1)), 1);
        view.cancel(view.reserve(ALICE, USDT, 100, "USDT"));
        assertEquals(100, view.available(ALICE, USDT));
    }

    @Test
    void itIsCaughtUpOnceItHasAppliedTheLogAsItWasAtStart() {
        FundsView v = new FundsView(() -> 3);
        assertFalse(v.caughtUp());
        v.apply(events(new Deposited(0, ALICE, USDT, 100, 1)), 1);
        assertFalse(v.caughtUp());
        v.apply(events(new Deposited(1, ALICE, USDT, 100, 2), new Deposited(2, ALICE, USDT, 100, 3)), 3);
        assertTrue(v.caughtUp());
    }

    /** Seeded random streams through the engine: the view's available balances equal the engine's, batch by batch. */
    @Test
    void availableBalancesEqualTheEnginesOnRandomStreams() {
        for (long seed = 1; seed <= 3; seed++) {
            int accounts = 20;
            List<Command> commands = new RandomCommands(seed, accounts).generate(20_000);
            Exchange engine = new Exchange();
            FundsView v = new FundsView(() -> 0);
            SplittableRandom rnd = new SplittableRandom(seed);
            List<Indexed> pending = new ArrayList<>();
            for (Command c : commands) {
                List<Event> out = engine.apply(c);
                for (int i = 0; i < out.size(); i++) pending.add(new Indexed(c.seq(), i, out.get(i)));
                if (pending.size() > rnd.nextInt(200)) {
                    // Batches split commands anywhere, and part of each is delivered again.
                    int cut = rnd.nextInt(pending.size() + 1);
                    v.apply(pending.subList(0, cut), 0);
                    v.apply(pending, 0);
                    pending.clear();
                }
            }
            v.apply(pending, 0);
            for (long a = 1; a <= accounts; a++) {
                for (int asset = 1; asset <= 4; asset++) {
                    assertEquals(engine.available(a, asset), v.available(a, asset), "seed " + seed + " account " + a + " asset " + asset);
                }
            }
        }
    }
}
