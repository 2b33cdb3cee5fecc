package io.zkclob.engine;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.*;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded stream of plausible and implausible commands over several markets and many accounts: every order
 * type, cancels of live, dead and foreign orders, deposits, withdrawals, bad ticks and lots, halts, seals.
 * The same seed always yields the same stream (used by the differential test and the golden vectors).
 */
public final class RandomCommands {
    private final SplittableRandom rnd;
    private final int accounts;
    private final Scenario s;
    private final List<long[]> placed = new ArrayList<>(); // {orderId(seq), accountId, clientOrderId}
    private long nextExternalId = 1;
    private long nextClientId = 1;
    private static final int[] MARKETS = {1, 2, 3};
    private static final long[] MID_TICKS = {300_000, 6_000_000, 15_000}; // 3000 USDT, 60000 USDT, 150 USDT
    private static final long[] TICKS = {10_000, 100_000, 1_000};
    private static final long[] LOTS = {10_000, 1_000, 1_000_000};

    public RandomCommands(long seed, int accounts) {
        this.rnd = new SplittableRandom(seed);
        this.accounts = accounts;
        this.s = new Scenario("random-" + seed, "seeded random stream");
        setup();
    }

    private void setup() {
        s.add(new AddAsset(-1, 0, 1, "ETH", 8));
        s.add(new AddAsset(-1, 0, 2, "USDT", 6));
        s.add(new AddAsset(-1, 0, 3, "BTC", 8));
        s.add(new AddAsset(-1, 0, 4, "SOL", 6));
        s.add(new AddMarket(-1, 0, 1, "ETH-USDT", 1, 2, TICKS[0], LOTS[0], 1_000_000, 1_000, 2_000));
        s.add(new AddMarket(-1, 0, 2, "BTC-USDT", 3, 2, TICKS[1], LOTS[1], 5_000_000, 0, 500));
        s.add(new AddMarket(-1, 0, 3, "SOL-USDT", 4, 2, TICKS[2], LOTS[2], 0, 3_333, 7_777));
        for (int a = 1; a <= accounts; a++) {
            s.deposit(a, 2, 1_000_000L * (1_000 + rnd.nextInt(100_000)), nextExternalId++);
            s.deposit(a, 1, 100_000_000L * (1 + rnd.nextInt(50)), nextExternalId++);
            s.deposit(a, 3, 1_000_000L * (1 + rnd.nextInt(500)), nextExternalId++);
            s.deposit(a, 4, 1_000_000L * (1 + rnd.nextInt(5_000)), nextExternalId++);
        }
    }

    public List<Command> commands() {
        return s.commands;
    }

    public List<Command> generate(int count) {
        int target = s.commands.size() + count;
        while (s.commands.size() < target) step();
        return s.commands;
    }

    private long account() {
        return 1 + rnd.nextInt(accounts);
    }

    private void step() {
        int r = rnd.nextInt(1000);
        int mi = rnd.nextInt(MARKETS.length);
        if (r < 10) {
            s.seal();
        } else if (r < 450) {
            placeLimit(mi, TimeInForce.GTC);
        } else if (r < 520) {
            placeLimit(mi, TimeInForce.IOC);
        } else if (r < 550) {
            placeLimit(mi, TimeInForce.FOK);
        } else if (r < 600) {
            placeLimit(mi, TimeInForce.POST_ONLY);
        } else if (r < 650) {
            placeMarket(mi);
        } else if (r < 850) {
            cancelSomething();
        } else if (r < 860) {
            s.cancelAll(account(), rnd.nextInt(3) == 0 ? 0 : MARKETS[mi]);
        } else if (r < 890) {
            int asset = 1 + rnd.nextInt(4);
            long amount = rnd.nextInt(20) == 0 ? -5 : 1_000L * (1 + rnd.nextInt(1_000_000));
            long ext = rnd.nextInt(30) == 0 ? Math.max(1, nextExternalId - 1) : nextExternalId++;
            s.deposit(account(), rnd.nextInt(50) == 0 ? 99 : asset, amount, ext);
        } else if (r < 920) {
            s.withdraw(account(), 1 + rnd.nextInt(4), 1_000L * (1 + rnd.nextInt(5_000_000)));
        } else if (r < 935) {
            s.status(MARKETS[mi], rnd.nextInt(2) == 0 ? io.zkclob.contracts.MarketStatus.HALTED
                    : io.zkclob.contracts.MarketStatus.ACTIVE);
            if (rnd.nextInt(3) != 0) s.status(MARKETS[mi], io.zkclob.contracts.MarketStatus.ACTIVE);
        } else {
            placeBroken(mi);
        }
    }

    /**
     * A retry: the k-th latest client order id of this account (k from 1 to 97, or its oldest when it has
     * fewer; without drawing from the random stream), so that some fall within its last 64 accepted ids and some beyond (spec §3.3).
     */
    private long repeatedClientId(long account) {
        int k = (int) (nextClientId % 97) + 1;
        long oldestSeen = 0;
        for (int i = placed.size() - 1; i >= Math.max(0, placed.size() - 5_000); i--) {
            long[] p = placed.get(i);
            if (p[1] == account && p[2] != 0) {
                oldestSeen = p[2];
                if (--k == 0) break;
            }
        }
        return oldestSeen != 0 ? oldestSeen : Math.max(1, nextClientId - 1);
    }

    private void placeLimit(int mi, TimeInForce tif) {
        boolean buy = rnd.nextBoolean();
        long offset = rnd.nextInt(41) - 20; // within 20 ticks of the mid, so books cross often
        long priceTicks = Math.max(1, MID_TICKS[mi] + (buy ? -offset : offset) - (buy ? 3 : -3));
        long lots = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 5_000 : 200);
        int idKind = rnd.nextInt(4) == 0 ? 0 : (rnd.nextInt(40) == 0 ? 1 : 2);
        long account = account();
        long clientId = idKind == 0 ? 0 : idKind == 1 ? repeatedClientId(account) : nextClientId++;
        placed.add(new long[] {s.nextSeq(), account, clientId});
        s.place(account, MARKETS[mi], buy ? Side.BUY : Side.SELL, OrderType.LIMIT, tif, priceTicks * TICKS[mi],
                lots * LOTS[mi], 0, clientId);
    }

    private void placeMarket(int mi) {
        long account = account();
        placed.add(new long[] {s.nextSeq(), account, 0});
        int kind = rnd.nextInt(3);
        long lots = 1 + rnd.nextInt(300);
        if (kind == 0) {
            s.place(account, MARKETS[mi], Side.SELL, OrderType.MARKET, TimeInForce.IOC, 0, lots * LOTS[mi], 0, 0);
        } else if (kind == 1) {
            s.place(account, MARKETS[mi], Side.BUY, OrderType.MARKET, TimeInForce.IOC, 0, lots * LOTS[mi], 0, 0);
        } else {
            s.place(account, MARKETS[mi], Side.BUY, OrderType.MARKET, TimeInForce.IOC, 0, 0,
                    1_000_000L * (1 + rnd.nextInt(20_000)), 0);
        }
    }

    private void cancelSomething() {
        if (placed.isEmpty() || rnd.nextInt(20) == 0) {
            s.cancel(account(), 1 + rnd.nextInt(Math.max(1, (int) s.nextSeq())));
            return;
        }
        // Prefer recent orders: they are the ones still likely to rest.
        int idx = placed.size() - 1 - rnd.nextInt(Math.min(placed.size(), 300));
        long[] p = placed.get(idx);
        long account = rnd.nextInt(15) == 0 ? account() : p[1];
        if (p[2] != 0 && rnd.nextInt(3) == 0) s.cancelByClientId(account, p[2]);
        else s.cancel(account, p[0]);
    }

    private void placeBroken(int mi) {
        long account = account();
        long price = MID_TICKS[mi] * TICKS[mi];
        switch (rnd.nextInt(9)) {
            case 0 -> s.place(account, MARKETS[mi], Side.BUY, OrderType.LIMIT, TimeInForce.GTC, price + 1, LOTS[mi], 0, 0);
            case 1 -> s.place(account, MARKETS[mi], Side.SELL, OrderType.LIMIT, TimeInForce.GTC, price, LOTS[mi] + 1, 0, 0);
            case 2 -> s.place(account, 77, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, price, LOTS[mi], 0, 0);
            case 3 -> s.place(account, MARKETS[mi], Side.BUY, OrderType.LIMIT, TimeInForce.GTC, price, -LOTS[mi], 0, 0);
            case 4 -> s.place(account, MARKETS[mi], Side.BUY, OrderType.LIMIT, TimeInForce.GTC, Long.MAX_VALUE / TICKS[mi] * TICKS[mi], LOTS[mi] * 1000, 0, 0);
            case 5 -> s.place(account, MARKETS[mi], Side.SELL, OrderType.MARKET, TimeInForce.GTC, 0, LOTS[mi], 0, 0);
            case 6 -> s.place(account, MARKETS[mi], Side.BUY, OrderType.LIMIT, TimeInForce.GTC, price, LOTS[mi] * 1_000_000_000L, 0, 0);
            case 7 -> s.place(0, MARKETS[mi], Side.BUY, OrderType.LIMIT, TimeInForce.GTC, price, LOTS[mi], 0, 0);
            default -> s.place(account, MARKETS[mi], null, OrderType.LIMIT, TimeInForce.GTC, price, LOTS[mi], 0, 0);
        }
    }
}
