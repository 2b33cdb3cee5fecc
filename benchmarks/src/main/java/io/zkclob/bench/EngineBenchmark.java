package io.zkclob.bench;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.*;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.engine.BlockHasher;
import io.zkclob.engine.Exchange;
import io.zkclob.engine.LevelBook;
import io.zkclob.engine.NaiveBook;
import io.zkclob.engine.Order;
import io.zkclob.engine.OrderBook;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * exchange-core's single-market workload on our engine: about 1,000 resting orders over about 750 price
 * levels, 2,000 accounts, mostly cancel-and-replace moves, plus new GTC orders, IOC orders and cancels, all
 * pre-generated from a fixed seed. One thread; the throughput from a run without a per-command stopwatch, the
 * latency percentiles from a second run that times each command with nanoTime. A SealBlock every
 * {@code sealEvery} commands (default 100,000) keeps memory flat; set it to 100 to include block hashing at
 * the fleet's block size. The block commitments are hashed on a second thread as the blocks fill
 * ({@link OffThreadHasher}); {@code inline} hashes them on the matching thread at each seal, as the services do,
 * {@code inline-chunks} on the matching thread 256 KiB at a time as the blocks fill.
 *
 * <pre>java -cp ... io.zkclob.bench.EngineBenchmark [commands] [sealEvery] [naive] [inline|inline-chunks]</pre>
 */
public final class EngineBenchmark {
    private static final int ACCOUNTS = 2_000;
    private static final long MID = 100_000; // ticks
    private static final long TICK = 10_000;
    private static final long LOT = 10_000;

    public static void main(String[] args) {
        int commands = args.length > 0 ? Integer.parseInt(args[0]) : 3_000_000;
        int sealEvery = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        List<String> flags = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
        boolean naive = flags.contains("naive");
        Supplier<OrderBook> books = naive ? NaiveBook::new : LevelBook::new;
        try (OffThreadHasher offThread = new OffThreadHasher()) {
            BlockHasher hasher = flags.contains("inline") ? BlockHasher.INLINE
                    : flags.contains("inline-chunks") ? BlockHasher.inline(OffThreadHasher.DEFAULT_CHUNK_BYTES) : offThread;
            measure(commands, sealEvery, naive, books, hasher);
        }
    }

    private static void measure(int commands, int sealEvery, boolean naive, Supplier<OrderBook> books,
            BlockHasher hasher) {
        long genStart = System.nanoTime();
        List<Command> workload = generate(commands, sealEvery);
        System.out.printf("generated %,d commands in %.1f s (seed 1, %d accounts, book %s, block hashing %s)%n",
                workload.size(), (System.nanoTime() - genStart) / 1e9, ACCOUNTS, naive ? "NaiveBook" : "LevelBook",
                hasher == BlockHasher.INLINE ? "inline at the seal"
                        : hasher instanceof OffThreadHasher ? "off-thread as blocks fill" : "inline as blocks fill");

        // Warm up on the same workload (JIT), both ways, then measure on a fresh engine: throughput without a
        // stopwatch per command (two nanoTime calls and a histogram record cost 60-80 ns a command on this VM's
        // clock, about a fifth of the figure), then the latency percentiles in a second run that times each command.
        Histogram warm = new Histogram(3_600_000_000_000L, 3);
        run(workload, books, hasher, null);
        run(workload, books, hasher, warm);
        long[] counters = run(workload, books, hasher, null);
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        long[] timed = run(workload, books, hasher, h);
        double seconds = counters[0] / 1e9;
        System.out.printf("events: %,d  trades: %,d  resting at end: %,d%n", counters[1], counters[2], counters[3]);
        System.out.printf("block sealing: %d seals, %.1f ms each (SHA-256 of the block's encoded commands and"
                + " events, dirty accounts and levels); matching alone (encoding included): %d commands/s%n", counters[5],
                counters[5] == 0 ? 0 : counters[4] / 1e6 / counters[5],
                Math.round((workload.size() - counters[5]) / ((counters[0] - counters[4]) / 1e9)));
        System.out.printf("each command timed (the percentiles' run): %d commands/s%n",
                Math.round(workload.size() / (timed[0] / 1e9)));
        System.out.printf("engine commands/s: %d  p50: %d ns  p99: %d ns  p99.9: %d ns%n",
                Math.round(workload.size() / seconds), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9));
    }

    /** One run on a fresh engine; with {@code h}, each command is timed into it, without, only the seals are. */
    private static long[] run(List<Command> workload, Supplier<OrderBook> books, BlockHasher hasher, Histogram h) {
        Exchange ex = new Exchange(books, hasher);
        List<Event> out = new ArrayList<>(64);
        long events = 0;
        long trades = 0;
        long sealNanos = 0;
        long seals = 0;
        long start = System.nanoTime();
        for (Command c : workload) {
            boolean seal = c instanceof SealBlock;
            if (h != null || seal) {
                long t0 = System.nanoTime();
                ex.apply(c, out);
                long t1 = System.nanoTime();
                if (h != null) h.recordValue(t1 - t0);
                if (seal) {
                    sealNanos += t1 - t0;
                    seals++;
                }
            } else {
                ex.apply(c, out);
            }
            events += out.size();
            for (Event e : out) if (e instanceof Event.TradeExecuted) trades++;
            out.clear();
        }
        long elapsed = System.nanoTime() - start;
        return new long[] {elapsed, events, trades, ex.openOrderCount(), sealNanos, seals};
    }

    /** Generates the workload by running it once on a reference engine, so moves and cancels hit live orders. */
    static List<Command> generate(int count, int sealEvery) {
        SplittableRandom rnd = new SplittableRandom(1);
        List<Command> out = new ArrayList<>(count + 16);
        Exchange ref = new Exchange();
        long[] seq = {0};
        java.util.function.Consumer<Command> emit = c -> {
            Command s = c.sequenced(seq[0]++, 1_767_225_600_000L + seq[0]);
            out.add(s);
            ref.apply(s);
        };
        emit.accept(new AddAsset(-1, 0, 1, "ETH", 8));
        emit.accept(new AddAsset(-1, 0, 2, "USDT", 6));
        emit.accept(new AddMarket(-1, 0, 1, "ETH-USDT", 1, 2, TICK, LOT, 0, 0, 0));
        for (int a = 1; a <= ACCOUNTS; a++) {
            emit.accept(new Deposit(-1, 0, a, 1, 1_000_000_000_000L, a * 2L));
            emit.accept(new Deposit(-1, 0, a, 2, 1_000_000_000_000_000L, a * 2L + 1));
        }
        List<Long> live = new ArrayList<>();
        // Pre-fill: 1,000 orders over 750 levels (375 each side), none crossing.
        for (int i = 0; i < 1_000; i++) {
            boolean buy = i % 2 == 0;
            long level = 1 + rnd.nextInt(375);
            live.add(seq[0]);
            emit.accept(limit(1 + rnd.nextInt(ACCOUNTS), buy, buy ? MID - level : MID + level, 1 + rnd.nextInt(20),
                    TimeInForce.GTC));
        }
        int setup = out.size();
        while (out.size() < setup + count) {
            if (sealEvery > 0 && (out.size() - setup) % sealEvery == sealEvery - 1) {
                emit.accept(new SealBlock(-1, 0));
                continue;
            }
            int r = rnd.nextInt(100);
            long picked = pickLive(live, ref, rnd);
            int n = ref.openOrderCount();
            if (r < 50 && picked >= 0) {
                // Move: cancel and replace one resting order at a nearby price on the same side.
                long id = picked;
                Order o = ref.openOrder(id);
                emit.accept(new CancelOrder(-1, 0, o.accountId(), id, 0));
                boolean buy = o.side() == Side.BUY;
                long level = Math.max(1, Math.min(375, Math.abs((buy ? MID - o.priceTicks() : o.priceTicks() - MID))
                        + rnd.nextInt(21) - 10));
                live.add(seq[0]);
                emit.accept(limit(o.accountId(), buy, buy ? MID - level : MID + level, o.remainingLots(), TimeInForce.GTC));
            } else if (n > 1_100 && picked >= 0) {
                // Keep the book near 1,000 orders, as exchange-core's workload does.
                emit.accept(new CancelOrder(-1, 0, ref.openOrder(picked).accountId(), picked, 0));
            } else if (r < 75 || n < 900) {
                boolean buy = rnd.nextBoolean();
                long level = 1 + rnd.nextInt(375);
                live.add(seq[0]);
                emit.accept(limit(1 + rnd.nextInt(ACCOUNTS), buy, buy ? MID - level : MID + level, 1 + rnd.nextInt(20),
                        TimeInForce.GTC));
            } else if (r < 83) {
                boolean buy = rnd.nextBoolean();
                emit.accept(limit(1 + rnd.nextInt(ACCOUNTS), buy, buy ? MID + 5 : MID - 5, 1 + rnd.nextInt(30),
                        TimeInForce.IOC));
            } else if (picked >= 0) {
                emit.accept(new CancelOrder(-1, 0, ref.openOrder(picked).accountId(), picked, 0));
            }
        }
        return out; // the setup commands stay in: a fresh engine needs them (about 5,000 of the total)
    }

    /** A random live order id (dropping filled or canceled ones on the way), or -1; at most 64 tries. */
    private static long pickLive(List<Long> live, Exchange ref, SplittableRandom rnd) {
        for (int tries = 0; tries < 64 && !live.isEmpty(); tries++) {
            int i = rnd.nextInt(live.size());
            long id = live.get(i);
            if (ref.openOrder(id) != null) return id;
            live.set(i, live.get(live.size() - 1));
            live.remove(live.size() - 1);
        }
        return -1;
    }

    private static PlaceOrder limit(long account, boolean buy, long priceTicks, long lots, TimeInForce tif) {
        return new PlaceOrder(-1, 0, account, 1, 0, buy ? Side.BUY : Side.SELL, OrderType.LIMIT, tif,
                priceTicks * TICK, lots * LOT, 0);
    }
}
