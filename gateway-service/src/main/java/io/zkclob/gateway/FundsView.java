package io.zkclob.gateway;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.*;
import io.zkclob.contracts.Side;
import io.zkclob.support.ApiException;
import io.zkclob.support.EventFeed;
import io.zkclob.support.EventFeed.Indexed;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;
import org.springframework.http.HttpStatus;

/**
 * The pre-trade funds check without a remote call (exchange-core's R1 stage): available balances built in memory
 * from exchange.events (docs/engine-spec.md §8, available side only), minus this gateway's own in-flight
 * reservations: orders and withdrawals appended to the log whose verdict (OrderAccepted/OrderRejected,
 * Withdrawn/WithdrawalRejected) the view has not applied yet. A reservation is released in the same step that
 * applies its command's first event, so a hold is never counted twice nor missed. The engine stays the
 * authority: it re-checks funds deterministically, and its verdict is what the user sees; this view only keeps
 * hopeless orders out of the log.
 *
 * <p>Like every consumer here it keeps a watermark, (seq, index) of the last event applied: a redelivered batch
 * changes nothing. It replays the log from the beginning at every start; until it has applied everything that
 * was in the log when it started it is not {@link #caughtUp()}, and the caller asks the ledger instead (see
 * {@link TradingApi}).
 *
 * <p>Bounds: one entry per (account, asset) with a balance, as in the ledger; reservations at most one per
 * request in flight, released at the latest when the watermark passes their seq.
 */
final class FundsView implements EventFeed.Projection {
    record Key(long accountId, int assetId) {}

    /** An amount set aside for one request until its command's verdict is applied. */
    static final class Reservation {
        final Key key;
        final long amount;
        long seq = -1;

        Reservation(Key key, long amount) {
            this.key = key;
            this.amount = amount;
        }
    }

    // Shared between the feed's thread (apply) and the request threads (reserve, sequenced, cancel), without one
    // lock over all of them: under load a single monitor here convoyed every request thread behind whichever
    // holder the scheduler had preempted (36 ms average waits at 3,000 orders/s, docs/benchmarks.md). Each map
    // is concurrent and each (account, asset) entry changes atomically; a request can see the view one event
    // older or newer than another's, which only moves the moment a hopeless order is kept out, never the engine's
    // verdict.
    private final Map<Key, Long> available = new ConcurrentHashMap<>();
    private final Map<Key, Long> reserved = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, Reservation> bySeq = new ConcurrentSkipListMap<>();
    private final Map<Integer, int[]> marketAssets = new HashMap<>(); // marketId -> {base, quote}; the feed's thread only
    private final LongSupplier logEndAtStart;
    private long catchUpOffset = -1;
    private volatile boolean caughtUp;
    private volatile long appliedSeq = -1; // written by the feed's thread only
    private int appliedIndex = -1;

    /** {@code logEndAtStart}: the end offset of exchange.events, read once (on the feed's thread) at the first batch. */
    FundsView(LongSupplier logEndAtStart) {
        this.logEndAtStart = logEndAtStart;
    }

    boolean caughtUp() {
        return caughtUp;
    }

    /** In memory: the whole log again at every start. */
    @Override
    public long nextOffset() {
        return 0;
    }

    /** On the feed's one thread (the only writer of the balances, the watermark and the markets). */
    @Override
    public void apply(List<Indexed> batch, long nextOffset) {
        if (catchUpOffset < 0) catchUpOffset = logEndAtStart.getAsLong(); // before applying: a failure here changes nothing
        for (Indexed x : batch) {
            if (x.seq() < appliedSeq || (x.seq() == appliedSeq && x.index() <= appliedIndex)) continue;
            if (x.seq() != appliedSeq) {
                // The first event of a command: its verdict is in the balances from here on, so its reservation goes
                // (released just before the event is applied: a request in between sees the balance without the
                // hold, so it may let a hopeless order through to the engine, but never refuses a good one).
                Reservation r = bySeq.remove(x.seq());
                if (r != null) release(r);
            }
            apply(x.event());
            appliedIndex = x.index();
            appliedSeq = x.seq();
        }
        // Every command below the watermark has all its events applied (verdict included): nothing may stay reserved.
        // (This also releases a reservation whose callback registered it just as the feed passed its seq.)
        for (var first = bySeq.firstEntry(); first != null && first.getKey() < appliedSeq; first = bySeq.firstEntry()) {
            if (bySeq.remove(first.getKey(), first.getValue())) release(first.getValue());
        }
        if (nextOffset >= catchUpOffset) caughtUp = true;
    }

    private void apply(Event e) {
        switch (e) {
            case MarketAdded m -> marketAssets.put(m.marketId(), new int[] {m.baseAssetId(), m.quoteAssetId()});
            case Deposited d -> add(d.accountId(), d.assetId(), d.amount());
            case Withdrawn w -> add(w.accountId(), w.assetId(), -w.amount());
            case OrderAccepted a -> add(a.accountId(), a.holdAssetId(), -a.holdAmount());
            case OrderCanceled c -> add(c.accountId(), c.holdAssetId(), c.releasedAmount());
            case TradeExecuted t -> {
                int[] m = marketAssets.get(t.marketId());
                if (m == null) throw new IllegalStateException("trade in market " + t.marketId() + " before its MarketAdded");
                boolean takerBuys = t.takerSide() == Side.BUY;
                long buyer = takerBuys ? t.takerAccountId() : t.makerAccountId();
                long seller = takerBuys ? t.makerAccountId() : t.takerAccountId();
                long sellerFee = takerBuys ? t.makerFee() : t.takerFee();
                long buyerReleased = takerBuys ? t.takerHoldReleased() : t.makerHoldReleased();
                long sellerReleased = takerBuys ? t.makerHoldReleased() : t.takerHoldReleased();
                add(buyer, m[1], buyerReleased);
                add(buyer, m[0], t.qty());
                add(seller, m[1], t.quoteAmount() - sellerFee);
                add(seller, m[0], sellerReleased);
            }
            default -> { }
        }
    }

    private void add(long accountId, int assetId, long delta) {
        if (delta != 0) available.merge(new Key(accountId, assetId), delta, Long::sum);
    }

    /** Available in the view, less what this gateway has reserved for requests still in flight. */
    long available(long accountId, int assetId) {
        Key k = new Key(accountId, assetId);
        return available.getOrDefault(k, 0L) - reserved.getOrDefault(k, 0L);
    }

    /**
     * Sets {@code amount} aside when the view covers it, with the same test the gateway always made
     * (nothing available, or less than the hold: INSUFFICIENT_FUNDS, with {@code refusal} as the detail).
     * The test and the reservation are one atomic step on the (account, asset) entry.
     */
    Reservation reserve(long accountId, int assetId, long amount, String refusal) {
        Reservation r = new Reservation(new Key(accountId, assetId), amount);
        reserved.compute(r.key, (k, held) -> {
            long before = held == null ? 0 : held;
            long free = available.getOrDefault(k, 0L) - before;
            if (free <= 0 || free < amount) throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "INSUFFICIENT_FUNDS", refusal);
            return before + amount;
        });
        return r;
    }

    /**
     * The request's command is in the log at {@code seq}: the reservation now waits for its verdict, unless the
     * view has already applied it (the engine and this view can be faster than the producer's callback).
     * Registered first, then checked: whichever of this call and the feed's thread takes it out of the map
     * releases it, exactly once.
     */
    void sequenced(Reservation r, long seq) {
        r.seq = seq;
        bySeq.put(seq, r);
        if (seq <= appliedSeq && bySeq.remove(seq, r)) release(r);
    }

    /** The append failed (or was never made): nothing of it will reach the engine through this request. */
    void cancel(Reservation r) {
        if (r.seq < 0) release(r);
    }

    private void release(Reservation r) {
        reserved.computeIfPresent(r.key, (k, held) -> held - r.amount == 0 ? null : held - r.amount);
    }

    int reservationsInFlight() {
        return bySeq.size();
    }
}
