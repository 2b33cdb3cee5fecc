package io.zkclob.bench;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.*;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.engine.Exchange;
import io.zkclob.engine.LevelBook;
import io.zkclob.engine.Snapshot;
import io.zkclob.engine.Witness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a witness for one block of {@code orders} limit orders (random, about a third of them crossing) on
 * an exchange with {@code accounts} funded accounts and a resting book of about {@code resting} orders, for
 * measuring the guest: {@code WitnessTool OUT orders accounts [activeAccounts [resting]]}. The block's orders
 * come from {@code activeAccounts} accounts (default 100), so the number of accounts in the exchange can grow
 * while the block stays the same. The resting book (default 500 orders) is placed first by the same active
 * accounts; a deeper book spreads over more price levels (about 12 orders per level), as real books do.
 */
public final class WitnessTool {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int orders = Integer.parseInt(args[1]);
        int accounts = Integer.parseInt(args[2]);
        int active = args.length > 3 ? Integer.parseInt(args[3]) : Math.min(100, accounts);
        int resting = args.length > 4 ? Integer.parseInt(args[4]) : 500;
        SplittableRandom rnd = new SplittableRandom(42);
        Exchange ex = new Exchange(LevelBook::new);
        long[] seq = {0};
        List<Event> sink = new ArrayList<>();
        java.util.function.Consumer<Command> apply = c -> ex.apply(c.sequenced(seq[0]++, 1_767_225_600_000L + seq[0]), sink);
        apply.accept(new AddAsset(-1, 0, 1, "ETH", 8));
        apply.accept(new AddAsset(-1, 0, 2, "USDT", 6));
        apply.accept(new AddMarket(-1, 0, 1, "ETH-USDT", 1, 2, 10_000, 10_000, 1_000_000, 1_000, 2_000));
        for (int a = 1; a <= accounts; a++) {
            apply.accept(new Deposit(-1, 0, a, 1, 1_000_000_000_000L, 2L * a));
            apply.accept(new Deposit(-1, 0, a, 2, 1_000_000_000_000L, 2L * a + 1));
            if (a % 1_000 == 0) apply.accept(new SealBlock(-1, 0));
        }
        // The book: outside the block's price band (12 ticks) it rests on both sides, 40 ticks wide for 500
        // orders and proportionally wider for more, so that the levels keep their depth.
        int width = Math.max(40, resting * 2 / 25); // 40 ticks for the default 500, as before
        for (int i = 0; i < resting; i++) {
            apply.accept(order(rnd, 1 + rnd.nextInt(active), width));
            if (i % 10_000 == 9_999) apply.accept(new SealBlock(-1, 0));
        }
        apply.accept(new SealBlock(-1, 0));

        Exchange pre = Snapshot.read(Snapshot.write(ex), LevelBook::new);
        List<Command> block = new ArrayList<>();
        for (int i = 0; i < orders; i++) block.add(order(rnd, 1 + rnd.nextInt(active), 12).sequenced(seq[0]++, 1_767_225_700_000L + i));
        block.add(new SealBlock(seq[0], 1_767_225_800_000L).sequenced(seq[0]++, 1_767_225_800_000L));
        List<Witness.Header> headers = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        for (Command c : block) ex.apply(c, events);
        long trades = events.stream().filter(e -> e instanceof Event.TradeExecuted).count();
        for (Event e : events) if (e instanceof Event.BlockSealed b) headers.add(Witness.Header.of(b));
        byte[] w = Witness.build(pre, block, headers);
        Files.write(out, w);
        System.out.printf("{\"orders\":%d,\"accounts\":%d,\"activeAccounts\":%d,\"resting\":%d,\"trades\":%d,"
                + "\"witnessBytes\":%d}%n", orders, accounts, active, ex.openOrderCount(), trades, w.length);
    }

    /** A limit order within {@code spread} ticks of 3000.00 on a random side: buys and sells overlap. */
    private static PlaceOrder order(SplittableRandom rnd, long account, int spread) {
        boolean buy = rnd.nextBoolean();
        long ticks = 300_000 + (buy ? -1 : 1) * (rnd.nextInt(spread) - spread / 4);
        return new PlaceOrder(-1, 0, account, 1, 0, buy ? Side.BUY : Side.SELL, OrderType.LIMIT, TimeInForce.GTC,
                ticks * 10_000, (1 + rnd.nextInt(20)) * 10_000L, 0);
    }
}
