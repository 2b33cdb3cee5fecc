package io.zkclob.engine;

import static io.zkclob.engine.Scenario.*;
import static io.zkclob.engine.Scenarios.*;
import static org.junit.jupiter.api.Assertions.*;

import io.zkclob.contracts.CancelReason;
import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.*;
import io.zkclob.contracts.RejectCode;
import io.zkclob.contracts.Side;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The rules of docs/engine-spec.md, one test each, run against both book implementations (subclasses pick
 * the book). Invariants (conservation, holds, uncrossed books) are checked after every command.
 */
abstract class ExchangeRulesTest {
    abstract Supplier<OrderBook> books();

    Exchange exchange;
    List<Event> events;

    List<Event> run(Scenario s) {
        exchange = new Exchange(books());
        events = new ArrayList<>();
        for (Command c : s.commands) {
            exchange.apply(c, events);
            exchange.checkInvariants();
        }
        return events;
    }

    <T extends Event> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends Event> T at(long seq, Class<T> type) {
        return events.stream().filter(e -> e.seq() == seq && type.isInstance(e)).map(type::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " at seq " + seq + ": " + events));
    }

    RejectCode orderRejectAt(long seq) {
        return at(seq, OrderRejected.class).code();
    }

    @Test
    void depositsAreIdempotentAndWithdrawalsNeverTouchLockedFunds() {
        run(depositsAndWithdrawals());
        assertEquals(RejectCode.DUPLICATE_DEPOSIT, at(4, DepositRejected.class).code());
        assertEquals(RejectCode.UNKNOWN_ASSET, at(5, DepositRejected.class).code());
        assertEquals(RejectCode.INVALID_AMOUNT, at(6, DepositRejected.class).code());
        assertEquals(RejectCode.INVALID_ACCOUNT, at(7, DepositRejected.class).code());
        assertEquals(RejectCode.MALFORMED, at(8, DepositRejected.class).code());
        assertEquals(RejectCode.AMOUNT_OVERFLOW, at(9, DepositRejected.class).code());
        assertEquals(usdt(400), at(10, Withdrawn.class).amount());
        assertEquals(RejectCode.INSUFFICIENT_FUNDS, at(11, WithdrawalRejected.class).code());
        assertEquals(usdt(300.6), at(12, OrderAccepted.class).holdAmount());
        assertEquals(RejectCode.INSUFFICIENT_FUNDS, at(13, WithdrawalRejected.class).code());
        at(14, Withdrawn.class);
        assertEquals(0, exchange.available(ALICE, USDT));
        assertEquals(usdt(300.6), exchange.locked(ALICE, USDT));
        assertEquals(RejectCode.INSUFFICIENT_FUNDS, at(15, WithdrawalRejected.class).code());
    }

    @Test
    void tradesExecuteAtMakerPriceAndReleasePriceImprovement() {
        run(makerPriceAndImprovement());
        TradeExecuted t = at(10, TradeExecuted.class);
        assertEquals(usdt(3000), t.price());
        assertEquals(eth(0.5), t.qty());
        assertEquals(usdt(1500), t.quoteAmount());
        assertEquals(usdt(1.5), t.makerFee()); // 0.1%
        assertEquals(usdt(3), t.takerFee());   // 0.2%
        // Bob held 1505 + 3.01 fee slack; paid 1500 + 3; the rest came back.
        assertEquals(usdt(1505 + 3.01 - 1503), t.takerHoldReleased());
        assertEquals(usdt(100_000 - 1503), exchange.available(BOB, USDT));
        assertEquals(eth(10.5), exchange.available(BOB, ETH));
        assertEquals(usdt(100_000 + 1500 - 1.5), exchange.available(ALICE, USDT));
        assertEquals(eth(9.5), exchange.available(ALICE, ETH) + exchange.locked(ALICE, ETH));
        assertEquals(usdt(4.5), exchange.feesCollected(USDT));
        assertEquals(0, exchange.locked(BOB, USDT));
    }

    @Test
    void gtcRemainderRestsAndCancelReleasesItsHold() {
        run(partialFillRestsThenCancel());
        assertEquals(eth(0.2), at(10, TradeExecuted.class).qty());
        long bobLockedAfterFill = Fees.buyHold(300_000, 3_000, 1, 2_000);
        OrderCanceled c = at(12, OrderCanceled.class);
        assertEquals(CancelReason.USER, c.reason());
        assertEquals(eth(0.3), c.remainingQty());
        assertEquals(bobLockedAfterFill, c.releasedAmount());
        assertEquals(0, exchange.locked(BOB, USDT));
        assertEquals(0, exchange.openOrderCount());
    }

    @Test
    void iocCancelsItsRemainder() {
        run(iocRemainder());
        assertEquals(eth(0.2), at(10, TradeExecuted.class).qty());
        OrderCanceled c = at(10, OrderCanceled.class);
        assertEquals(CancelReason.IOC_REMAINDER, c.reason());
        assertEquals(eth(0.3), c.remainingQty());
        assertEquals(CancelReason.IOC_REMAINDER, at(11, OrderCanceled.class).reason());
        assertEquals(0, exchange.locked(BOB, USDT));
    }

    @Test
    void fillOrKillIsAllOrNothing() {
        run(fillOrKill());
        assertEquals(CancelReason.FOK_UNFILLABLE, at(11, OrderCanceled.class).reason());
        assertEquals(CancelReason.FOK_UNFILLABLE, at(12, OrderCanceled.class).reason());
        assertTrue(events.stream().noneMatch(e -> e instanceof TradeExecuted && e.seq() < 13));
        List<TradeExecuted> fills = of(TradeExecuted.class);
        assertEquals(2, fills.size());
        assertEquals(eth(0.2), fills.get(0).qty());
        assertEquals(usdt(3000), fills.get(0).price());
        assertEquals(eth(0.1), fills.get(1).qty());
        assertEquals(usdt(3001), fills.get(1).price());
    }

    @Test
    void postOnlyNeverTakes() {
        run(postOnly());
        assertEquals(RejectCode.POST_ONLY_WOULD_CROSS, orderRejectAt(10));
        at(11, OrderAccepted.class);
        assertEquals(RejectCode.POST_ONLY_WOULD_CROSS, orderRejectAt(12));
        TradeExecuted t = at(13, TradeExecuted.class);
        assertEquals(11, t.makerOrderId());
        assertEquals(usdt(2999.99), t.price());
    }

    @Test
    void selfTradeExpiresTheRestingMaker() {
        run(selfTradePrevention());
        OrderCanceled expired = at(11, OrderCanceled.class);
        assertEquals(9, expired.orderId());
        assertEquals(CancelReason.SELF_TRADE, expired.reason());
        TradeExecuted t = at(11, TradeExecuted.class);
        assertEquals(10, t.makerOrderId());
        assertNotEquals(t.makerAccountId(), t.takerAccountId());
        assertEquals(eth(0.05), exchange.openOrder(11).remainingLots() * LOT);
        assertEquals(CancelReason.FOK_UNFILLABLE, at(12, OrderCanceled.class).reason());
        for (TradeExecuted x : of(TradeExecuted.class)) assertNotEquals(x.makerAccountId(), x.takerAccountId());
    }

    @Test
    void marketOrdersByQuantityAndByQuote() {
        run(marketOrders());
        assertEquals(CancelReason.IOC_REMAINDER, at(9, OrderCanceled.class).reason());
        List<TradeExecuted> buyQty = of(TradeExecuted.class).stream().filter(t -> t.seq() == 13).toList();
        assertEquals(2, buyQty.size());
        assertEquals(eth(0.3), buyQty.get(0).qty() + buyQty.get(1).qty());
        long spentByQuote = of(TradeExecuted.class).stream().filter(t -> t.seq() == 14)
                .mapToLong(t -> t.quoteAmount() + t.takerFee()).sum();
        // Only 0.2 ETH at 3010 is left: 602 USDT + 0.2% fee, well inside the 700 USDT budget.
        assertEquals(usdt(602) + usdt(1.204), spentByQuote);
        OrderCanceled budgetEnd = at(14, OrderCanceled.class);
        assertEquals(usdt(700) - spentByQuote, budgetEnd.releasedAmount());
        assertEquals(eth(0.4), at(15, TradeExecuted.class).qty());
        assertEquals(eth(0.1), at(15, OrderCanceled.class).remainingQty());
        assertEquals(RejectCode.BELOW_MIN_NOTIONAL, orderRejectAt(16));
        assertEquals(RejectCode.INVALID_ORDER_TYPE, orderRejectAt(17));
        assertEquals(0, exchange.locked(BOB, USDT));
        assertEquals(0, exchange.locked(BOB, ETH));
    }

    @Test
    void everyBadOrderIsRejectedWithItsCode() {
        run(validation());
        List<RejectCode> codes = of(OrderRejected.class).stream().map(OrderRejected::code).toList();
        assertEquals(List.of(RejectCode.INVALID_TICK, RejectCode.INVALID_LOT, RejectCode.BELOW_MIN_NOTIONAL,
                RejectCode.UNKNOWN_MARKET, RejectCode.INVALID_AMOUNT, RejectCode.INVALID_AMOUNT,
                RejectCode.AMOUNT_OVERFLOW, RejectCode.INVALID_TICK, RejectCode.INSUFFICIENT_FUNDS,
                RejectCode.INSUFFICIENT_FUNDS, RejectCode.INVALID_ORDER_TYPE, RejectCode.INVALID_ORDER_TYPE,
                RejectCode.INVALID_ORDER_TYPE, RejectCode.INVALID_ORDER_TYPE, RejectCode.MALFORMED, RejectCode.MALFORMED,
                RejectCode.INVALID_ACCOUNT, RejectCode.INVALID_ACCOUNT, RejectCode.INSUFFICIENT_FUNDS,
                RejectCode.INSUFFICIENT_FUNDS, RejectCode.MARKET_HALTED), codes);
        assertEquals(1, of(OrderAccepted.class).size());
        assertEquals(usdt(100_000) - usdt(300.6), exchange.available(ALICE, USDT));
    }

    @Test
    void aClientOrderIdIsNeverPlacedTwiceWithinTheLast64() {
        run(clientOrderIds());
        assertDuplicateOf(10, 9);                        // an open order's id
        at(11, OrderAccepted.class);                     // another account's ids are its own
        assertEquals(9, at(12, OrderCanceled.class).orderId());
        assertEquals(RejectCode.ORDER_NOT_FOUND, at(13, CancelRejected.class).code());
        assertDuplicateOf(14, 9);                        // retry of a canceled order
        assertEquals(15, at(15, TradeExecuted.class).takerOrderId());
        assertDuplicateOf(17, 15);                       // retry of a filled order, in a later block
        assertEquals(RejectCode.INSUFFICIENT_FUNDS, orderRejectAt(18));
        assertEquals(0, at(18, OrderRejected.class).existingOrderId());
        at(19, OrderAccepted.class);                     // the rejected id is free
        for (long seq = CLIENT_IDS_FILLER_FROM; seq < CLIENT_IDS_FILLER_FROM + 61; seq++) at(seq, OrderAccepted.class);
        assertDuplicateOf(82, 9);                        // 64 remembered: 7 is the oldest and still taken
        at(83, OrderAccepted.class);                     // the 65th
        at(84, OrderAccepted.class);                     // 7 was forgotten
        assertDuplicateOf(85, 19);
    }

    private void assertDuplicateOf(long seq, long existingOrderId) {
        OrderRejected r = at(seq, OrderRejected.class);
        assertEquals(RejectCode.DUPLICATE_CLIENT_ORDER_ID, r.code());
        assertEquals(existingOrderId, r.existingOrderId());
    }

    @Test
    void recentClientOrderIdsSurviveASnapshot() {
        Scenario all = clientOrderIds();
        Exchange ex = new Exchange();
        for (Command c : all.commands.subList(0, 17)) ex.apply(c); // through block 1
        Exchange restored = Snapshot.read(Snapshot.write(ex), LevelBook::new);
        assertArrayEquals(ex.stateRoot(), restored.stateRoot());
        List<Event> retry = restored.apply(all.commands.get(17));
        assertEquals(new OrderRejected(17, ALICE, ETH_USDT, 8, RejectCode.DUPLICATE_CLIENT_ORDER_ID, 15), retry.get(0));
    }

    @Test
    void cancelsAreOwnerOnly() {
        run(cancelRules());
        assertEquals(RejectCode.NOT_ORDER_OWNER, at(15, CancelRejected.class).code());
        assertEquals(RejectCode.ORDER_NOT_FOUND, at(16, CancelRejected.class).code());
        assertEquals(RejectCode.MALFORMED, at(17, CancelRejected.class).code());
        assertEquals(RejectCode.UNKNOWN_MARKET, at(18, CancelRejected.class).code());
        assertEquals(List.of(12L, 13L), of(OrderCanceled.class).stream().filter(c -> c.seq() == 19)
                .map(OrderCanceled::orderId).toList());
        assertEquals(RejectCode.ORDER_NOT_FOUND, at(20, CancelRejected.class).code());
        assertEquals(14, at(21, OrderCanceled.class).orderId());
        assertTrue(events.stream().noneMatch(e -> e.seq() == 22));
        assertEquals(0, exchange.locked(ALICE, USDT));
        assertEquals(0, exchange.locked(ALICE, BTC));
    }

    @Test
    void feesRoundDownHoldsRoundUpAndNothingIsCreated() {
        run(feeRounding());
        // checkInvariants ran after every command; here, the fee arithmetic itself.
        for (TradeExecuted t : of(TradeExecuted.class)) {
            assertEquals(Fees.floor(t.quoteAmount(), 3_333), t.makerFee());
            assertEquals(Fees.floor(t.quoteAmount(), 7_777), t.takerFee());
        }
        assertEquals(Fees.ceil(150_001L * 7 * 1_000, 7_777) + 150_001L * 7 * 1_000,
                of(OrderAccepted.class).get(0).holdAmount());
        assertEquals(0, exchange.locked(ALICE, USDT));
    }

    @Test
    void operatorCommandsAreCheckedToo() {
        run(admin());
        List<RejectCode> codes = of(AdminRejected.class).stream().map(AdminRejected::code).toList();
        assertEquals(List.of(RejectCode.DUPLICATE_ASSET, RejectCode.MALFORMED, RejectCode.INVALID_MARKET_PARAMS,
                RejectCode.DUPLICATE_MARKET, RejectCode.UNKNOWN_ASSET, RejectCode.INVALID_MARKET_PARAMS,
                RejectCode.INVALID_MARKET_PARAMS, RejectCode.INVALID_MARKET_PARAMS, RejectCode.UNKNOWN_MARKET), codes);
        assertEquals(2, of(MarketStatusChanged.class).size());
    }

    @Test
    void blocksSealAndRedeliveryChangesNothing() {
        run(blocksAndRedelivery());
        List<BlockSealed> blocks = of(BlockSealed.class);
        assertEquals(3, blocks.size());
        assertEquals(List.of(1L, 2L, 3L), blocks.stream().map(BlockSealed::height).toList());
        assertEquals(0, blocks.get(0).firstSeq());
        assertEquals(9, blocks.get(0).lastSeq());
        assertEquals(10, blocks.get(1).firstSeq());
        assertEquals(1, blocks.get(1).commandCount());
        assertNotEquals(blocks.get(0).stateRoot(), blocks.get(1).stateRoot(), "height and seq are committed");
        assertEquals(2, blocks.get(2).commandCount(), "the redelivered command is not in any block twice");
    }

    @Test
    void priceThenTimePriority() {
        run(priceTimePriority());
        List<Long> makers = of(TradeExecuted.class).stream().map(TradeExecuted::makerOrderId).toList();
        assertEquals(List.of(10L, 11L, 11L, 9L), makers);
    }

    @Test
    void sweepLeavesAnUncrossedBook() {
        run(multiLevelSweep());
        OrderBook book = exchange.book(ETH_USDT);
        Order bid = book.best(Side.BUY);
        Order ask = book.best(Side.SELL);
        assertTrue(bid == null || ask == null || bid.priceTicks() < ask.priceTicks());
        assertTrue(of(TradeExecuted.class).size() >= 6);
    }

    @Test
    void sameCommandsGiveTheSameRoots() {
        RandomCommands a = new RandomCommands(7, 40);
        a.generate(3_000);
        Exchange x = new Exchange(books());
        Exchange y = new Exchange(books());
        List<Event> ex = new ArrayList<>();
        List<Event> ey = new ArrayList<>();
        for (Command c : a.commands()) {
            x.apply(c, ex);
            y.apply(c, ey);
        }
        assertEquals(ex, ey);
        assertArrayEquals(x.stateRoot(), y.stateRoot());
    }
}
