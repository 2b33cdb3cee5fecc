package io.zkclob.gateway;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.*;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.EventFeed.Indexed;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live market data, built from the event log: an L2 book per market (aggregated price levels) and its changes.
 * Every update carries {@code seq} (the command that caused it) and {@code prevSeq} (the previous update of that
 * market), so a client sees a gap at once; the snapshot carries the {@code seq} it reflects. Resync procedure
 * (docs/api.md): subscribe, buffer, take the snapshot, drop updates with seq <= snapshot.seq, apply the rest;
 * on a gap (prevSeq != last applied) start over. Private streams get the account's own order, trade and funds
 * events. A heartbeat every 5 s carries each market's latest seq.
 */
final class MarketStream {
    /** One market's book: price ticks (raw price) -> total quantity, per side. */
    static final class Book {
        final TreeMap<Long, Long> bids = new TreeMap<>();
        final TreeMap<Long, Long> asks = new TreeMap<>();
        long seq = -1;

        TreeMap<Long, Long> side(Side s) {
            return s == Side.BUY ? bids : asks;
        }
    }

    record Resting(int marketId, Side side, long price, long remaining, long accountId) {}

    private static final int MAX_SUBSCRIBERS = 1_000;
    private final Map<Integer, Book> books = new HashMap<>();
    private final Map<Long, Resting> resting = new HashMap<>();
    private final Map<Long, long[]> pending = new HashMap<>(); // accepted this command: orderId -> {market, side, price, qty, account, rests}
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    /**
     * The last event applied, as (seq, index in its command). The feed redelivers after a rebalance or a failed
     * offset commit; a book that counted those events twice would cross, so anything at or below is skipped.
     */
    private long appliedSeq = -1;
    private int appliedIndex = -1;

    record Subscriber(SseEmitter emitter, Integer marketId, Long accountId) {}

    /** Another publisher of the depth updates (the Binance-compatible streams): called on the feed's thread, in order. */
    interface DepthListener {
        void onDepth(int marketId, long seq, long prevSeq, List<long[]> bids, List<long[]> asks);
    }

    private final List<DepthListener> depthListeners = new CopyOnWriteArrayList<>();

    void addDepthListener(DepthListener listener) {
        depthListeners.add(listener);
    }

    synchronized Map<String, Object> snapshot(int marketId, int maxLevels) {
        Book b = books.computeIfAbsent(marketId, k -> new Book());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("marketId", marketId);
        out.put("seq", b.seq);
        out.put("bids", levels(b.bids.descendingMap(), maxLevels));
        out.put("asks", levels(b.asks, maxLevels));
        return out;
    }

    private static List<long[]> levels(Map<Long, Long> side, int max) {
        List<long[]> out = new ArrayList<>();
        for (var e : side.entrySet()) {
            if (out.size() >= max) break;
            out.add(new long[] {e.getKey(), e.getValue()});
        }
        return out;
    }

    SseEmitter subscribe(Integer marketId, Long accountId) {
        if (subscribers.size() >= MAX_SUBSCRIBERS) throw new IllegalStateException("too many stream subscribers");
        SseEmitter emitter = new SseEmitter(0L);
        Subscriber s = new Subscriber(emitter, marketId, accountId);
        subscribers.add(s);
        emitter.onCompletion(() -> subscribers.remove(s));
        emitter.onTimeout(() -> subscribers.remove(s));
        emitter.onError(e -> subscribers.remove(s));
        return emitter;
    }

    /** Applies a batch of events (in log order) and pushes the resulting updates. */
    void onEvents(List<Indexed> batch) {
        List<Object[]> out = new ArrayList<>(); // {marketId or null, accountId or null, name, payload}
        synchronized (this) {
            long currentSeq = -1;
            Map<Integer, Map<String, Object>> changes = new LinkedHashMap<>();
            for (Indexed x : batch) {
                boolean applied = x.seq() < appliedSeq || (x.seq() == appliedSeq && x.index() <= appliedIndex);
                if (applied) continue;
                appliedSeq = x.seq();
                appliedIndex = x.index();
                if (x.seq() != currentSeq) {
                    flush(currentSeq, changes, out);
                    currentSeq = x.seq();
                }
                apply(x.event(), changes, out);
            }
            flush(currentSeq, changes, out);
        }
        for (Object[] o : out) {
            send((Integer) o[0], (Long) o[1], (String) o[2], o[3]);
            if ("depth".equals(o[2]) && o[3] instanceof Map<?, ?> u) notifyDepth(u);
        }
    }

    @SuppressWarnings("unchecked")
    private void notifyDepth(Map<?, ?> u) {
        for (DepthListener l : depthListeners) {
            l.onDepth((Integer) u.get("marketId"), (Long) u.get("seq"), (Long) u.get("prevSeq"), (List<long[]>) u.get("bids"),
                    (List<long[]>) u.get("asks"));
        }
    }

    private void apply(Event e, Map<Integer, Map<String, Object>> changes, List<Object[]> out) {
        switch (e) {
            case OrderAccepted a -> {
                boolean mayRest = a.orderType() == OrderType.LIMIT && (a.tif() == TimeInForce.GTC || a.tif() == TimeInForce.POST_ONLY);
                if (mayRest) pending.put(a.orderId(), new long[] {a.marketId(), a.side().code, a.price(), a.qty(), a.accountId()});
                out.add(new Object[] {null, a.accountId(), "order", e});
            }
            case TradeExecuted t -> {
                long[] p = pending.get(t.takerOrderId());
                if (p != null) p[3] -= t.qty();
                // A command's events can span two batches: a taker already rested at the end of the first is
                // reduced like a maker, or it would stay on the book at its full quantity.
                else fill(t.takerOrderId(), t.qty(), changes);
                fill(t.makerOrderId(), t.qty(), changes);
                out.add(new Object[] {t.marketId(), null, "trade", Map.of("seq", t.seq(), "price", t.price(), "qty", t.qty(),
                        "takerSide", t.takerSide().name())});
                out.add(new Object[] {null, t.makerAccountId(), "fill", e});
                if (t.takerAccountId() != t.makerAccountId()) out.add(new Object[] {null, t.takerAccountId(), "fill", e});
            }
            case OrderCanceled c -> {
                pending.remove(c.orderId());
                Resting r = resting.remove(c.orderId());
                if (r != null) change(r.marketId(), r.side(), r.price(), -r.remaining(), changes);
                out.add(new Object[] {null, c.accountId(), "order", e});
            }
            case OrderRejected r -> out.add(new Object[] {null, r.accountId(), "order", e});
            case CancelRejected r -> out.add(new Object[] {null, r.accountId(), "order", e});
            case Deposited d -> out.add(new Object[] {null, d.accountId(), "funds", e});
            case Withdrawn w -> out.add(new Object[] {null, w.accountId(), "funds", e});
            case WithdrawalRejected w -> out.add(new Object[] {null, w.accountId(), "funds", e});
            default -> { }
        }
    }

    private void fill(long orderId, long qty, Map<Integer, Map<String, Object>> changes) {
        Resting r = resting.get(orderId);
        if (r == null) return;
        change(r.marketId(), r.side(), r.price(), -qty, changes);
        long left = r.remaining() - qty;
        if (left <= 0) resting.remove(orderId);
        else resting.put(orderId, new Resting(r.marketId(), r.side(), r.price(), left, r.accountId()));
    }

    private void change(int marketId, Side side, long price, long delta, Map<Integer, Map<String, Object>> changes) {
        Book b = books.computeIfAbsent(marketId, k -> new Book());
        long total = b.side(side).getOrDefault(price, 0L) + delta;
        if (total == 0) b.side(side).remove(price);
        else b.side(side).put(price, total);
        @SuppressWarnings("unchecked")
        Map<Long, Long> levels = (Map<Long, Long>) changes.computeIfAbsent(marketId, k -> new LinkedHashMap<>())
                .computeIfAbsent(side == Side.BUY ? "bids" : "asks", k -> new TreeMap<Long, Long>());
        levels.put(price, total);
    }

    /** End of one command: orders that still have quantity rest; changed levels go out as one update. */
    private void flush(long seq, Map<Integer, Map<String, Object>> changes, List<Object[]> out) {
        if (seq < 0) return;
        for (var p : pending.entrySet()) {
            long[] v = p.getValue();
            if (v[3] > 0) {
                Side side = v[1] == Side.BUY.code ? Side.BUY : Side.SELL;
                resting.put(p.getKey(), new Resting((int) v[0], side, v[2], v[3], v[4]));
                change((int) v[0], side, v[2], v[3], changes);
            }
        }
        pending.clear();
        for (var c : changes.entrySet()) {
            Book b = books.get(c.getKey());
            Map<String, Object> update = new LinkedHashMap<>();
            update.put("marketId", c.getKey());
            update.put("seq", seq);
            update.put("prevSeq", b.seq);
            update.put("bids", toList(c.getValue().get("bids")));
            update.put("asks", toList(c.getValue().get("asks")));
            b.seq = seq;
            out.add(new Object[] {c.getKey(), null, "depth", update});
        }
        changes.clear();
    }

    @SuppressWarnings("unchecked")
    private static List<long[]> toList(Object levels) {
        List<long[]> out = new ArrayList<>();
        if (levels != null) ((Map<Long, Long>) levels).forEach((p, q) -> out.add(new long[] {p, q}));
        return out;
    }

    private void send(Integer marketId, Long accountId, String name, Object payload) {
        String json = null; // written once, and only when someone listens: most updates have no subscriber
        for (Subscriber s : subscribers) {
            boolean wanted = marketId != null ? marketId.equals(s.marketId()) : accountId != null && accountId.equals(s.accountId());
            if (!wanted) continue;
            if (json == null) json = MessageJson.write(payload);
            try {
                s.emitter().send(SseEmitter.event().name(name).data(json));
            } catch (IOException | IllegalStateException e) {
                subscribers.remove(s);
            }
        }
    }

    @Scheduled(fixedDelay = 5_000)
    void heartbeat() {
        for (Subscriber s : subscribers) {
            try {
                long seq;
                synchronized (this) {
                    Book b = s.marketId() == null ? null : books.get(s.marketId());
                    seq = b == null ? -1 : b.seq;
                }
                s.emitter().send(SseEmitter.event().name("heartbeat").data("{\"seq\":" + seq + "}"));
            } catch (IOException | IllegalStateException e) {
                subscribers.remove(s);
            }
        }
    }
}
