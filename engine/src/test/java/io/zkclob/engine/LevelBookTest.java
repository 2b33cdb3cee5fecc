package io.zkclob.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.zkclob.contracts.Side;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ladder of 64-price chunks against the naive book, operation by operation, on prices the exchange's random
 * streams do not reach: both ends of the price range, both sides of chunk boundaries, and far-apart prices that
 * each need a chunk of their own (chunks created and dropped in the middle of the ladder).
 */
class LevelBookTest {
    private static final Market MARKET = new Market(1, "T-Q", new Asset(1, "T", 0, 0), new Asset(2, "Q", 0, 1), 1, 1, 0,
            0, 0, 1, new NaiveBook());

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void ladderKeepsTheNaiveBooksOrder(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] near = {1, 2, 63, 64, 65, 127, 128, 129, 4_095, 4_096, 100_000, Exchange.MAX_PRICE_TICKS - 64,
            Exchange.MAX_PRICE_TICKS - 1, Exchange.MAX_PRICE_TICKS};
        OrderBook fast = new LevelBook();
        OrderBook naive = new NaiveBook();
        List<Order> inFast = new ArrayList<>();
        List<Order> inNaive = new ArrayList<>();
        for (long id = 1; id <= 20_000; id++) {
            int op = rnd.nextInt(10);
            if (op < 5 || inFast.isEmpty()) {
                long price = switch (rnd.nextInt(3)) {
                    case 0 -> near[rnd.nextInt(near.length)] + rnd.nextInt(3) - 1;
                    case 1 -> 1 + rnd.nextLong(Exchange.MAX_PRICE_TICKS);
                    default -> 100_000 + rnd.nextInt(300) - 150;
                };
                price = Math.max(1, Math.min(Exchange.MAX_PRICE_TICKS, price));
                Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
                // Two order objects, one per book: the books link orders through the same fields.
                Order a = new Order(id, 1, MARKET, 0, side, price, 1 + rnd.nextInt(9), 0);
                Order b = new Order(id, 1, MARKET, 0, side, price, a.remainingLots, 0);
                fast.add(a);
                naive.add(b);
                inFast.add(a);
                inNaive.add(b);
            } else {
                int i = rnd.nextInt(inFast.size());
                Order a = inFast.get(i);
                Order b = inNaive.get(i);
                if (op < 7 && a.remainingLots > 1) {
                    a.remainingLots--;
                    b.remainingLots--;
                    fast.reduce(a, 1);
                    naive.reduce(b, 1);
                } else {
                    fast.remove(a);
                    naive.remove(b);
                    swapRemove(inFast, i);
                    swapRemove(inNaive, i);
                }
            }
            if (id % 97 == 0 || inFast.size() < 8) assertSameBooks(fast, naive, "seed " + seed + " after " + id);
        }
        assertSameBooks(fast, naive, "seed " + seed + " at the end");
    }

    private static void swapRemove(List<Order> list, int i) {
        Order last = list.removeLast();
        if (i < list.size()) list.set(i, last);
    }

    private static void assertSameBooks(OrderBook fast, OrderBook naive, String where) {
        assertEquals(naive.size(), fast.size(), where);
        for (Side side : Side.values()) {
            assertEquals(ids(naive, side), ids(fast, side), where + " " + side);
            Order bestFast = fast.best(side);
            Order bestNaive = naive.best(side);
            assertEquals(bestNaive == null ? -1 : bestNaive.orderId, bestFast == null ? -1 : bestFast.orderId, where);
            long[][] depthNaive = naive.depth(side, 10);
            long[][] depthFast = fast.depth(side, 10);
            assertEquals(depthNaive.length, depthFast.length, where);
            for (int i = 0; i < depthNaive.length; i++) assertArrayEquals(depthNaive[i], depthFast[i], where);
            if (bestNaive != null) {
                List<Long> levelNaive = new ArrayList<>();
                List<Long> levelFast = new ArrayList<>();
                naive.visitLevel(side, bestNaive.priceTicks, o -> levelNaive.add(o.orderId));
                fast.visitLevel(side, bestNaive.priceTicks, o -> levelFast.add(o.orderId));
                assertEquals(levelNaive, levelFast, where);
            }
            List<Long> none = new ArrayList<>();
            fast.visitLevel(side, 0, o -> none.add(o.orderId));
            assertTrue(none.isEmpty(), where);
        }
    }

    private static List<Long> ids(OrderBook book, Side side) {
        List<Long> out = new ArrayList<>();
        book.visit(side, o -> out.add(o.orderId));
        return out;
    }
}
