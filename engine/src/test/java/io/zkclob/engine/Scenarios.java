package io.zkclob.engine;

import static io.zkclob.engine.Scenario.*;

import io.zkclob.contracts.Command.*;
import io.zkclob.contracts.MarketStatus;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import java.util.List;

/**
 * The hand-written scenarios: each pins one rule of docs/engine-spec.md. They are asserted in
 * {@link ExchangeRulesTest} and written as golden vectors (spec/vectors/) for the Rust implementation.
 * Order ids equal the seq of their PlaceOrder; comments give them where a later command refers to one.
 */
public final class Scenarios {
    public static final long ALICE = 1;
    public static final long BOB = 2;
    public static final long CAROL = 3;

    private Scenarios() {}

    public static Scenario funded(String name, String description) {
        return new Scenario(name, description).standardSetup()          // seq 0..2
                .deposit(ALICE, USDT, usdt(100_000), 1)                 // 3
                .deposit(ALICE, ETH, eth(10), 2)                        // 4
                .deposit(BOB, USDT, usdt(100_000), 3)                   // 5
                .deposit(BOB, ETH, eth(10), 4)                          // 6
                .deposit(CAROL, USDT, usdt(100_000), 5)                 // 7
                .deposit(CAROL, ETH, eth(10), 6);                       // 8
    }

    public static List<Scenario> all() {
        return List.of(depositsAndWithdrawals(), makerPriceAndImprovement(), partialFillRestsThenCancel(),
                iocRemainder(), fillOrKill(), postOnly(), selfTradePrevention(), marketOrders(), validation(),
                clientOrderIds(), cancelRules(), feeRounding(), admin(), blocksAndRedelivery(), priceTimePriority(),
                multiLevelSweep());
    }

    public static Scenario depositsAndWithdrawals() {
        return new Scenario("deposits-withdrawals", "idempotent deposits by external id; withdrawals only from available")
                .standardSetup()
                .deposit(ALICE, USDT, usdt(1000), 42)           // 3 ok
                .deposit(ALICE, USDT, usdt(1000), 42)           // 4 DUPLICATE_DEPOSIT
                .deposit(ALICE, 9, usdt(1), 43)                 // 5 UNKNOWN_ASSET
                .deposit(ALICE, USDT, 0, 44)                    // 6 INVALID_AMOUNT
                .deposit(0, USDT, 5, 45)                        // 7 INVALID_ACCOUNT
                .deposit(ALICE, USDT, 5, 0)                     // 8 MALFORMED external id
                .deposit(ALICE, USDT, Long.MAX_VALUE, 46)       // 9 AMOUNT_OVERFLOW (totals would overflow)
                .withdraw(ALICE, USDT, usdt(400))               // 10 ok
                .withdraw(ALICE, USDT, usdt(601))               // 11 INSUFFICIENT_FUNDS
                .limit(ALICE, Side.BUY, usdt(3000), eth(0.1))   // 12 holds 300 + 0.6 fee = 300.6 USDT
                .withdraw(ALICE, USDT, usdt(300))               // 13 INSUFFICIENT_FUNDS: only 299.4 available
                .withdraw(ALICE, USDT, usdt(299.4))             // 14 ok, locked untouched
                .withdraw(BOB, USDT, 1)                         // 15 INSUFFICIENT_FUNDS (no account)
                .seal();
    }

    public static Scenario makerPriceAndImprovement() {
        return funded("maker-price", "trades execute at the maker's price; the taker's price improvement is released")
                .limit(ALICE, Side.SELL, usdt(3000), eth(0.5))  // 9 rests
                .limit(BOB, Side.BUY, usdt(3010), eth(0.5))     // 10 fills at 3000
                .seal();
    }

    public static Scenario partialFillRestsThenCancel() {
        return funded("partial-fill", "a GTC remainder rests with its hold; cancel releases exactly the rest")
                .limit(ALICE, Side.SELL, usdt(3000), eth(0.2))  // 9
                .limit(BOB, Side.BUY, usdt(3000), eth(0.5))     // 10: fills 0.2, rests 0.3
                .seal()
                .cancel(BOB, 10)
                .seal();
    }

    public static Scenario iocRemainder() {
        return funded("ioc", "IOC fills what it can and cancels the remainder, releasing its hold")
                .limit(ALICE, Side.SELL, usdt(3000), eth(0.2))                                  // 9
                .limit(BOB, Side.BUY, usdt(3000), eth(0.5), TimeInForce.IOC, 0)               // 10
                .limit(BOB, Side.BUY, usdt(2000), eth(0.5), TimeInForce.IOC, 0)               // 11: nothing to fill
                .seal();
    }

    public static Scenario fillOrKill() {
        return funded("fok", "FOK fills wholly or not at all")
                .limit(ALICE, Side.SELL, usdt(3000), eth(0.2))                                  // 9
                .limit(ALICE, Side.SELL, usdt(3001), eth(0.2))                                  // 10
                .limit(BOB, Side.BUY, usdt(3001), eth(0.5), TimeInForce.FOK, 0)               // 11: only 0.4 -> killed
                .limit(BOB, Side.BUY, usdt(3000.5), eth(0.3), TimeInForce.FOK, 0)             // 12: only 0.2 at <=3000.5
                .limit(BOB, Side.BUY, usdt(3001), eth(0.3), TimeInForce.FOK, 0)               // 13: fills 0.2@3000 + 0.1@3001
                .seal();
    }

    public static Scenario postOnly() {
        return funded("post-only", "post-only rests, or is rejected when it would cross")
                .limit(ALICE, Side.SELL, usdt(3000), eth(0.2))                                  // 9
                .limit(BOB, Side.BUY, usdt(3000), eth(0.1), TimeInForce.POST_ONLY, 0)         // 10 rejected
                .limit(BOB, Side.BUY, usdt(2999.99), eth(0.1), TimeInForce.POST_ONLY, 0)      // 11 rests
                .limit(CAROL, Side.SELL, usdt(2999.99), eth(0.05), TimeInForce.POST_ONLY, 0)  // 12 rejected
                .limit(CAROL, Side.SELL, usdt(2999.99), eth(0.05))                              // 13 takes 11 as a GTC
                .seal();
    }

    public static Scenario selfTradePrevention() {
        return funded("self-trade", "an incoming order never trades with its own account: the resting maker expires")
                .limit(ALICE, Side.SELL, usdt(3000), eth(0.1))  // 9  Alice's own ask, best
                .limit(BOB, Side.SELL, usdt(3001), eth(0.1))    // 10
                .limit(ALICE, Side.BUY, usdt(3001), eth(0.15))  // 11: expires 9, fills 0.1 of 10, rests 0.05
                .limit(ALICE, Side.SELL, usdt(2990), eth(0.05), TimeInForce.FOK, 0) // 12: only own liquidity -> killed
                .seal();
    }

    public static Scenario marketOrders() {
        return funded("market-orders", "market sell by quantity, market buy by quantity and by quote amount")
                .marketSell(BOB, eth(0.1))                      // 9: empty book, IOC remainder
                .limit(ALICE, Side.SELL, usdt(3000), eth(0.2))  // 10
                .limit(ALICE, Side.SELL, usdt(3010), eth(0.3))  // 11
                .limit(CAROL, Side.BUY, usdt(2990), eth(0.4))   // 12
                .marketBuyQty(BOB, eth(0.3))                    // 13: 0.2@3000 + 0.1@3010, unused budget released
                .marketBuyQuote(BOB, usdt(700))                 // 14: spends <= 700 USDT incl fees at 3010
                .marketSell(BOB, eth(0.5))                      // 15: 0.4@2990, remainder canceled
                .marketBuyQuote(BOB, usdt(0.5))                 // 16: BELOW_MIN_NOTIONAL
                .place(BOB, ETH_USDT, Side.BUY, OrderType.MARKET, TimeInForce.IOC, 0, eth(0.1), usdt(10), 0) // 17 both
                .seal();
    }

    public static Scenario validation() {
        Scenario s = funded("validation", "every malformed or out-of-rule order is an OrderRejected with its code");
        s.limit(ALICE, Side.BUY, usdt(3000) + 1, eth(0.1));                                         // INVALID_TICK
        s.limit(ALICE, Side.BUY, usdt(3000), eth(0.1) + 1);                                         // INVALID_LOT
        s.limit(ALICE, Side.BUY, usdt(1), eth(0.0001));                                             // BELOW_MIN_NOTIONAL
        s.place(ALICE, 9, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, usdt(3000), eth(0.1), 0, 0);  // UNKNOWN_MARKET
        s.limit(ALICE, Side.BUY, usdt(3000), -eth(0.1));                                            // INVALID_AMOUNT
        s.limit(ALICE, Side.BUY, 0, eth(0.1));                                                      // INVALID_AMOUNT
        s.limit(ALICE, Side.BUY, Exchange.MAX_PRICE_TICKS * TICK, Long.MAX_VALUE / LOT * LOT);     // AMOUNT_OVERFLOW
        s.limit(ALICE, Side.BUY, (Exchange.MAX_PRICE_TICKS + 1) * TICK, eth(1));                    // INVALID_TICK: above the price filter
        s.limit(ALICE, Side.BUY, usdt(3000), eth(1000));                                            // INSUFFICIENT_FUNDS
        s.limit(ALICE, Side.SELL, usdt(3000), eth(10.0001));                                        // INSUFFICIENT_FUNDS
        s.place(ALICE, ETH_USDT, Side.BUY, OrderType.MARKET, TimeInForce.GTC, 0, eth(0.1), 0, 0);   // INVALID_ORDER_TYPE
        s.place(ALICE, ETH_USDT, Side.SELL, OrderType.MARKET, TimeInForce.IOC, usdt(3000), eth(0.1), 0, 0); // INVALID_ORDER_TYPE
        s.place(ALICE, ETH_USDT, Side.SELL, OrderType.MARKET, TimeInForce.IOC, 0, 0, usdt(10), 0);  // INVALID_ORDER_TYPE
        s.place(ALICE, ETH_USDT, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, usdt(3000), eth(0.1), 5, 0); // INVALID_ORDER_TYPE
        s.place(ALICE, ETH_USDT, null, OrderType.LIMIT, TimeInForce.GTC, usdt(3000), eth(0.1), 0, 0); // MALFORMED
        s.place(ALICE, ETH_USDT, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, usdt(3000), eth(0.1), 0, -7); // MALFORMED
        s.place(1L << 32, ETH_USDT, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, usdt(3000), eth(0.1), 0, 0); // INVALID_ACCOUNT
        s.place(Exchange.MAX_ACCOUNT_ID + 1, ETH_USDT, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, usdt(3000), eth(0.1), 0, 0); // INVALID_ACCOUNT
        s.place(Exchange.MAX_ACCOUNT_ID, ETH_USDT, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, usdt(3000), eth(0.1), 0, 0); // INSUFFICIENT_FUNDS
        s.place(99, ETH_USDT, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, usdt(3000), eth(0.1), 0, 0); // INSUFFICIENT_FUNDS
        s.status(ETH_USDT, MarketStatus.HALTED);
        s.limit(ALICE, Side.BUY, usdt(3000), eth(0.1));                                             // MARKET_HALTED
        s.status(ETH_USDT, MarketStatus.ACTIVE);
        s.limit(ALICE, Side.BUY, usdt(3000), eth(0.1));                                             // accepted
        return s.seal();
    }

    /** Seq of the first of the 61 IOC orders that fill block 3 of {@link #clientOrderIds()}. */
    public static final long CLIENT_IDS_FILLER_FROM = 21;

    public static Scenario clientOrderIds() {
        Scenario s = funded("client-order-ids", "an account remembers the client order ids of its last 64 accepted "
                + "orders (and of its open ones): a repeat is rejected with the original orderId; a rejected id is free")
                .limit(ALICE, Side.BUY, usdt(2900), eth(0.1), TimeInForce.GTC, 7)  // 9 rests
                .limit(ALICE, Side.BUY, usdt(2901), eth(0.1), TimeInForce.GTC, 7)  // 10 DUPLICATE (open order 9)
                .limit(BOB, Side.BUY, usdt(2901), eth(0.1), TimeInForce.GTC, 7)    // 11 fine: another account
                .cancelByClientId(ALICE, 7)                                         // 12 cancels 9
                .cancelByClientId(ALICE, 7)                                         // 13 ORDER_NOT_FOUND
                .limit(ALICE, Side.BUY, usdt(2902), eth(0.1), TimeInForce.GTC, 7)  // 14 DUPLICATE (canceled 9)
                .limit(ALICE, Side.SELL, usdt(2800), eth(0.1), TimeInForce.GTC, 8) // 15 fills against 11
                .seal()                                                             // 16 block 1
                .limit(ALICE, Side.SELL, usdt(2800), eth(0.1), TimeInForce.GTC, 8) // 17 DUPLICATE (filled 15)
                .limit(ALICE, Side.BUY, usdt(3000), eth(1000), TimeInForce.GTC, 9) // 18 INSUFFICIENT_FUNDS
                .limit(ALICE, Side.BUY, usdt(2900), eth(0.1), TimeInForce.GTC, 9)  // 19 rests: a rejected id is free
                .seal();                                                            // 20 block 2
        // Block 3: ALICE remembers 7, 8, 9; 61 more accepted ids make 64, and 7 is still taken.
        for (int i = 0; i < 61; i++) {
            s.limit(ALICE, Side.BUY, usdt(2000), eth(0.1), TimeInForce.IOC, 100 + i); // 21..81 IOC_REMAINDER
        }
        return s.limit(ALICE, Side.BUY, usdt(2900), eth(0.1), TimeInForce.GTC, 7)   // 82 DUPLICATE (9, 64th oldest)
                .limit(ALICE, Side.BUY, usdt(2000), eth(0.1), TimeInForce.IOC, 161) // 83 the 65th: forgets 7
                .limit(ALICE, Side.BUY, usdt(2900), eth(0.1), TimeInForce.GTC, 7)   // 84 rests: 7 is free again,
                                                                                     //    and 8 is forgotten
                .limit(ALICE, Side.BUY, usdt(2901), eth(0.1), TimeInForce.GTC, 9)   // 85 DUPLICATE (19, now oldest)
                .seal();                                                             // 86 block 3
    }

    public static Scenario cancelRules() {
        return funded("cancel-rules", "owner-only cancels; cancel-all per market or everywhere")
                .add(new AddAsset(-1, 0, BTC, "BTC", 8))                            // 9
                .add(new AddMarket(-1, 0, BTC_USDT, "BTC-USDT", BTC, USDT, 100_000, 1_000, usdt(5), 0, 500)) // 10
                .deposit(ALICE, BTC, eth(1), 7)                                      // 11
                .limit(ALICE, Side.BUY, usdt(2900), eth(0.1))                        // 12
                .limit(ALICE, Side.BUY, usdt(2800), eth(0.1))                        // 13
                .place(ALICE, BTC_USDT, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, usdt(60_000), 100_000, 0, 0) // 14
                .cancel(BOB, 12)                                                     // 15 NOT_ORDER_OWNER
                .cancel(ALICE, 999)                                                  // 16 ORDER_NOT_FOUND
                .add(new CancelOrder(-1, 0, ALICE, 12, 5))                           // 17 MALFORMED (both ids)
                .cancelAll(ALICE, 77)                                                // 18 UNKNOWN_MARKET
                .cancelAll(ALICE, ETH_USDT)                                          // 19 cancels 12, 13
                .cancel(ALICE, 12)                                                   // 20 ORDER_NOT_FOUND
                .cancelAll(ALICE, 0)                                                 // 21 cancels 14
                .cancelAll(BOB, 0)                                                   // 22 nothing open: no events
                .seal();
    }

    public static Scenario feeRounding() {
        // SOL-like market with odd fees so that rounding matters on every fill.
        Scenario s = new Scenario("fee-rounding", "holds round up, charged fees round down, nothing is created")
                .add(new AddAsset(-1, 0, 4, "SOL", 6))
                .add(new AddAsset(-1, 0, USDT, "USDT", 6))
                .add(new AddMarket(-1, 0, 3, "SOL-USDT", 4, USDT, 1_000, 1_000_000, 0, 3_333, 7_777))
                .deposit(ALICE, USDT, usdt(10_000), 1)
                .deposit(BOB, 4, 100_000_000, 2);
        s.place(ALICE, 3, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 150_001_000, 7_000_000, 0, 0); // hold with ceil
        for (int i = 0; i < 7; i++) {
            s.place(BOB, 3, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 150_001_000, 1_000_000, 0, 0);
        }
        s.place(BOB, 3, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 149_999_000, 3_000_000, 0, 0);
        s.place(ALICE, 3, Side.BUY, OrderType.LIMIT, TimeInForce.IOC, 150_003_000, 3_000_000, 0, 0);
        return s.seal();
    }

    public static Scenario admin() {
        return new Scenario("admin", "operator commands and their rejections")
                .add(new AddAsset(-1, 0, ETH, "ETH", 8))
                .add(new AddAsset(-1, 0, ETH, "ETH2", 8))                                                     // DUPLICATE_ASSET
                .add(new AddAsset(-1, 0, 5, "bad symbol", 8))                                                 // MALFORMED
                .add(new AddAsset(-1, 0, 6, "X", 19))                                                         // INVALID_MARKET_PARAMS
                .add(new AddAsset(-1, 0, USDT, "USDT", 6))
                .add(new AddMarket(-1, 0, 1, "ETH-USDT", ETH, USDT, 10_000, 10_000, 0, 0, 0))
                .add(new AddMarket(-1, 0, 1, "ETH-USDT", ETH, USDT, 10_000, 10_000, 0, 0, 0))                 // DUPLICATE_MARKET
                .add(new AddMarket(-1, 0, 2, "ETH-X", ETH, 9, 10_000, 10_000, 0, 0, 0))                       // UNKNOWN_ASSET
                .add(new AddMarket(-1, 0, 3, "ETH-USDT2", ETH, USDT, 10_000, 100, 0, 0, 0))                   // not exact
                .add(new AddMarket(-1, 0, 4, "ETH-USDT3", ETH, USDT, 10_000, 10_000, 0, 1_000_001, 0))        // fee > 100%
                .add(new AddMarket(-1, 0, 5, "ETH-ETH", ETH, ETH, 10_000, 10_000, 0, 0, 0))                   // same asset
                .status(9, MarketStatus.HALTED)                                                               // UNKNOWN_MARKET
                .status(1, MarketStatus.HALTED)
                .status(1, MarketStatus.ACTIVE)
                .seal();
    }

    public static Scenario blocksAndRedelivery() {
        Scenario s = funded("blocks", "blocks close at SealBlock; an empty block still seals; a redelivered seq is ignored")
                .seal()
                .seal();
        // A redelivery: the log hands the engine a command with an already applied seq.
        s.commands.add(s.commands.get(3));
        s.limit(ALICE, Side.SELL, usdt(3000), eth(0.1));
        return s.seal();
    }

    public static Scenario priceTimePriority() {
        return funded("price-time", "better price first, then earlier seq at the same price")
                .limit(ALICE, Side.SELL, usdt(3001), eth(0.1))  // 9
                .limit(BOB, Side.SELL, usdt(3000), eth(0.1))    // 10 better price
                .limit(ALICE, Side.SELL, usdt(3000), eth(0.1))  // 11 same price, later
                .limit(CAROL, Side.BUY, usdt(3001), eth(0.15))  // 12: 0.1 from 10, 0.05 from 11
                .limit(CAROL, Side.BUY, usdt(3001), eth(0.15))  // 13: 0.05 from 11, 0.1 from 9
                .seal();
    }

    public static Scenario multiLevelSweep() {
        Scenario s = funded("sweep", "a large order walks many levels; the book is left uncrossed");
        for (int i = 0; i < 10; i++) s.limit(ALICE, Side.SELL, usdt(3000 + i), eth(0.01 * (i + 1)));
        for (int i = 0; i < 10; i++) s.limit(BOB, Side.BUY, usdt(2999 - i), eth(0.02));
        s.limit(CAROL, Side.BUY, usdt(3005), eth(1));
        s.limit(CAROL, Side.SELL, usdt(2990), eth(0.5));
        return s.seal();
    }
}
