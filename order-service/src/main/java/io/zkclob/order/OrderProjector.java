package io.zkclob.order;

import io.zkclob.contracts.Command.PlaceOrder;
import io.zkclob.contracts.Event.*;
import io.zkclob.contracts.Side;
import io.zkclob.support.EventFeed;
import io.zkclob.support.EventFeed.Indexed;
import io.zkclob.support.LogFollower;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Projects engine events into orders, fills, markets and assets; one transaction per batch, with the watermark
 * and the feed's next offset (the position a restart resumes from), and set-based writes within it ({@link Writes}).
 *
 * <p>An order's status and cancel reason: FILLED never carries a cancel reason (an IOC remainder cancel that
 * finds nothing left, e.g. a market buy by quote that spent its budget, completes the order); CANCELED carries
 * the reason; REJECTED carries the reject code and what the PlaceOrder asked for.
 */
@Component
class OrderProjector implements EventFeed.Projection {
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final PlacedOrders placed;

    OrderProjector(JdbcClient jdbc, TransactionTemplate tx, PlacedOrders placed) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.placed = placed;
    }

    @Override
    public long nextOffset() {
        return jdbc.sql("SELECT next_offset FROM watermark WHERE id = 1").query(Long.class).single();
    }

    @Override
    public void apply(List<Indexed> batch, long nextOffset) {
        // Outside the transaction: it reads Kafka. Redelivered rejects are looked up again, which is harmless.
        Map<Long, PlaceOrder> rejected = placed.find(batch.stream().filter(e -> e.event() instanceof OrderRejected)
                .map(Indexed::seq).toList());
        tx.executeWithoutResult(status -> {
            long[] mark = jdbc.sql("SELECT seq, event_index FROM watermark WHERE id = 1 FOR UPDATE")
                    .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
            Writes writes = new Writes();
            Indexed last = null;
            for (Indexed e : batch) {
                if (e.seq() < mark[0] || (e.seq() == mark[0] && e.index() <= mark[1])) continue;
                project(e, rejected, writes);
                last = e;
            }
            writes.flush();
            // one statement for both (one row version, one WAL record a poll); a batch that was all redelivered keeps its seq
            jdbc.sql("UPDATE watermark SET seq = ?, event_index = ?, next_offset = GREATEST(next_offset, ?) WHERE id = 1")
                    .params(last == null ? mark[0] : last.seq(), last == null ? mark[1] : last.index(), nextOffset).update();
        });
    }

    /**
     * One poll's writes, set-based: new orders, fills, the fill totals of orders placed earlier (summed over the
     * batch) and their closing, each as one statement over arrays (the driver's multi-row VALUES carried 15 to 19
     * bind parameters a row for the server to plan), in that order, so that a poll ends as its events one by one
     * would leave it. An order placed in the same poll takes its fills and its end into the row it is inserted
     * with: a taker that fills at once is written once, as FILLED, rather than inserted as OPEN (an entry in the
     * open-book index) and rewritten by an UPDATE that could not be HOT (its status is in that index's predicate)
     * (docs/benchmarks.md, issue 10, session 9). Rare events (assets, markets) are written at once.
     */
    private final class Writes {
        /** Orders first seen in this poll, by id, in log order; each row is what the poll leaves of the order. */
        private final Map<Long, NewOrder> orders = new LinkedHashMap<>();
        private final List<Fill> fills = new ArrayList<>();
        /** Orders placed before this poll: orderId → {filledQty, filledQuote, fees, lastSeq, lastTimeMs}, in first-fill order. */
        private final Map<Long, long[]> filled = new LinkedHashMap<>();
        /** Orders placed before this poll that ended in it, by id (an order ends once). */
        private final Map<Long, Closed> closed = new LinkedHashMap<>();

        void order(NewOrder o) {
            orders.putIfAbsent(o.orderId, o); // the first wins, as the insert's ON CONFLICT DO NOTHING would keep it
        }

        void fill(long seq, int index, long timeMs, long orderId, long accountId, TradeExecuted t, String role, Side side, long fee) {
            fills.add(new Fill(seq, index, orderId, accountId, t.marketId(), role, side.name(), t.price(), t.qty(), t.quoteAmount(), fee));
            NewOrder o = orders.get(orderId);
            if (o != null) {
                o.filledQty = Math.addExact(o.filledQty, t.qty());
                o.filledQuote = Math.addExact(o.filledQuote, t.quoteAmount());
                o.feesPaid = Math.addExact(o.feesPaid, fee);
                // as the totals' UPDATE decides it
                o.status = o.qty != null && o.qty > 0 && o.filledQty >= o.qty ? "FILLED" : "PARTIALLY_FILLED";
                o.updatedSeq = seq;
                o.updatedAtMs = timeMs;
                return;
            }
            long[] sum = filled.computeIfAbsent(orderId, id -> new long[5]);
            sum[0] = Math.addExact(sum[0], t.qty());
            sum[1] = Math.addExact(sum[1], t.quoteAmount());
            sum[2] = Math.addExact(sum[2], fee);
            sum[3] = seq;
            sum[4] = timeMs;
        }

        void close(long seq, long timeMs, OrderCanceled c) {
            NewOrder o = orders.get(c.orderId());
            if (o == null) {
                closed.put(c.orderId(), new Closed(c.orderId(), c.remainingQty() == 0, c.reason().name(), seq, timeMs));
                return;
            }
            // Nothing left and something filled: the order completed, and a completed order has no cancel reason.
            boolean completed = c.remainingQty() == 0 && o.filledQty > 0;
            o.status = completed ? "FILLED" : "CANCELED";
            o.cancelReason = completed ? null : c.reason().name();
            o.updatedSeq = seq;
            o.updatedAtMs = timeMs;
        }

        void flush() {
            insertOrders(new ArrayList<>(orders.values()));
            insertFills();
            addFills();
            closeOrders();
        }

        private void insertOrders(List<NewOrder> rows) {
            for (int from = 0; from < rows.size(); from += MAX_ROWS) { // bounded statements, whatever the poll size
                List<NewOrder> part = rows.subList(from, Math.min(rows.size(), from + MAX_ROWS));
                int n = part.size();
                long[] id = new long[n], account = new long[n], clientId = new long[n], filledQty = new long[n], filledQuote = new long[n],
                        fees = new long[n], seq = new long[n], createdAt = new long[n], updatedAt = new long[n];
                int[] market = new int[n];
                Long[] price = new Long[n], qty = new Long[n], quoteQty = new Long[n];
                String[] side = new String[n], type = new String[n], tif = new String[n], status = new String[n], reject = new String[n],
                        cancel = new String[n];
                for (int i = 0; i < n; i++) {
                    NewOrder o = part.get(i);
                    id[i] = o.orderId;
                    account[i] = o.accountId;
                    market[i] = o.marketId;
                    clientId[i] = o.clientOrderId;
                    side[i] = o.side;
                    type[i] = o.orderType;
                    tif[i] = o.tif;
                    price[i] = o.price;
                    qty[i] = o.qty;
                    quoteQty[i] = o.quoteQty;
                    filledQty[i] = o.filledQty;
                    filledQuote[i] = o.filledQuote;
                    fees[i] = o.feesPaid;
                    status[i] = o.status;
                    reject[i] = o.rejectCode;
                    cancel[i] = o.cancelReason;
                    seq[i] = o.updatedSeq;
                    createdAt[i] = o.createdAtMs;
                    updatedAt[i] = o.updatedAtMs;
                }
                jdbc.sql("INSERT INTO orders (order_id, account_id, market_id, client_order_id, side, order_type, tif, price, qty, quote_qty,"
                                + " filled_qty, filled_quote, fees_paid, status, reject_code, cancel_reason, updated_seq, created_at_ms, updated_at_ms)"
                                + " SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::int[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[],"
                                + " ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[],"
                                + " ?::bigint[], ?::bigint[]) ON CONFLICT DO NOTHING")
                        .params(id, account, market, clientId, side, type, tif, price, qty, quoteQty, filledQty, filledQuote, fees, status,
                                reject, cancel, seq, createdAt, updatedAt)
                        .update();
            }
        }

        /** In log order. No ON CONFLICT: the watermark, in the same transaction, is what keeps a fill from being written twice (V4). */
        private void insertFills() {
            for (int from = 0; from < fills.size(); from += MAX_ROWS) {
                List<Fill> part = fills.subList(from, Math.min(fills.size(), from + MAX_ROWS));
                int n = part.size();
                long[] seq = new long[n], order = new long[n], account = new long[n], price = new long[n], qty = new long[n],
                        quote = new long[n], fee = new long[n];
                int[] index = new int[n], market = new int[n];
                String[] role = new String[n], side = new String[n];
                for (int i = 0; i < n; i++) {
                    Fill f = part.get(i);
                    seq[i] = f.seq();
                    index[i] = f.index();
                    order[i] = f.orderId();
                    account[i] = f.accountId();
                    market[i] = f.marketId();
                    role[i] = f.role();
                    side[i] = f.side();
                    price[i] = f.price();
                    qty[i] = f.qty();
                    quote[i] = f.quoteAmount();
                    fee[i] = f.fee();
                }
                jdbc.sql("INSERT INTO fills (seq, event_index, order_id, account_id, market_id, role, side, price, qty, quote_amount, fee)"
                                + " SELECT * FROM unnest(?::bigint[], ?::int[], ?::bigint[], ?::bigint[], ?::int[], ?::text[], ?::text[], ?::bigint[],"
                                + " ?::bigint[], ?::bigint[], ?::bigint[])")
                        .params(seq, index, order, account, market, role, side, price, qty, quote, fee).update();
            }
        }

        /**
         * Each filled order's totals in one statement (arrays unnested; one row per order, so no order is updated
         * twice), not one UPDATE per order: those were about a third of this database's statement time at 4,000
         * orders/s (docs/benchmarks.md, issue 10, session 8).
         */
        private void addFills() {
            int n = filled.size(); // bounded: two orders per trade of the batch
            if (n == 0) return;
            long[] ids = new long[n], qty = new long[n], quote = new long[n], fees = new long[n], seqs = new long[n], times = new long[n];
            int i = 0;
            for (Map.Entry<Long, long[]> e : filled.entrySet()) {
                long[] v = e.getValue();
                ids[i] = e.getKey();
                qty[i] = v[0];
                quote[i] = v[1];
                fees[i] = v[2];
                seqs[i] = v[3];
                times[i] = v[4];
                i++;
            }
            jdbc.sql("UPDATE orders o SET filled_qty = o.filled_qty + d.qty, filled_quote = o.filled_quote + d.quote,"
                    + " fees_paid = o.fees_paid + d.fees,"
                    + " status = CASE WHEN o.qty > 0 AND o.filled_qty + d.qty >= o.qty THEN 'FILLED' ELSE 'PARTIALLY_FILLED' END,"
                    + " updated_seq = d.seq, updated_at_ms = d.time_ms"
                    + " FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[]) AS d (order_id, qty, quote, fees, seq, time_ms)"
                    + " WHERE o.order_id = d.order_id")
                    .params(ids, qty, quote, fees, seqs, times).update();
        }

        /** After the totals: whether an order completed depends on what it filled. One statement, one row per order. */
        private void closeOrders() {
            int n = closed.size(); // bounded: one per cancel event of the batch
            if (n == 0) return;
            long[] ids = new long[n], seqs = new long[n], times = new long[n];
            boolean[] done = new boolean[n];
            String[] reasons = new String[n];
            int i = 0;
            for (Closed c : closed.values()) {
                ids[i] = c.orderId();
                done[i] = c.nothingLeft();
                reasons[i] = c.reason();
                seqs[i] = c.seq();
                times[i] = c.timeMs();
                i++;
            }
            // Nothing left and something filled: the order completed, and a completed order has no cancel reason.
            jdbc.sql("UPDATE orders o SET status = CASE WHEN d.done AND o.filled_qty > 0 THEN 'FILLED' ELSE 'CANCELED' END,"
                    + " cancel_reason = CASE WHEN d.done AND o.filled_qty > 0 THEN NULL ELSE d.reason END, updated_seq = d.seq,"
                    + " updated_at_ms = d.time_ms"
                    + " FROM unnest(?::bigint[], ?::boolean[], ?::text[], ?::bigint[], ?::bigint[]) AS d (order_id, done, reason, seq, time_ms)"
                    + " WHERE o.order_id = d.order_id")
                    .params(ids, done, reasons, seqs, times).update();
        }
    }

    /** An order first seen in this poll, as the poll leaves it. */
    private static final class NewOrder {
        final long orderId, accountId, clientOrderId, createdAtMs;
        final int marketId;
        final String side, orderType, tif, rejectCode;
        final Long price, qty, quoteQty;
        long filledQty, filledQuote, feesPaid, updatedSeq, updatedAtMs;
        String status, cancelReason;

        NewOrder(long orderId, long accountId, int marketId, long clientOrderId, String side, String orderType, String tif, Long price,
                 Long qty, Long quoteQty, String status, String rejectCode, long seq, long timeMs) {
            this.orderId = orderId;
            this.accountId = accountId;
            this.marketId = marketId;
            this.clientOrderId = clientOrderId;
            this.side = side;
            this.orderType = orderType;
            this.tif = tif;
            this.price = price;
            this.qty = qty;
            this.quoteQty = quoteQty;
            this.status = status;
            this.rejectCode = rejectCode;
            this.updatedSeq = seq;
            this.createdAtMs = timeMs;
            this.updatedAtMs = timeMs;
        }
    }

    private record Fill(long seq, int index, long orderId, long accountId, int marketId, String role, String side, long price, long qty,
                        long quoteAmount, long fee) {}

    private record Closed(long orderId, boolean nothingLeft, String reason, long seq, long timeMs) {}

    /** Rows per statement: one a record of a full poll, but nothing here relies on polls being that small. */
    private static final int MAX_ROWS = LogFollower.MAX_POLL_RECORDS;

    private void project(Indexed x, Map<Long, PlaceOrder> rejected, Writes w) {
        long s = x.seq();
        long t = x.logTimeMs();
        switch (x.event()) {
            case AssetAdded a -> jdbc.sql("INSERT INTO assets VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                    .params(a.assetId(), a.symbol(), a.scale()).update();
            case MarketAdded m -> jdbc.sql("INSERT INTO markets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE') ON CONFLICT DO NOTHING")
                    .params(m.marketId(), m.symbol(), m.baseAssetId(), m.quoteAssetId(), m.tickSize(), m.lotSize(),
                            m.minNotional(), m.makerFeePpm(), m.takerFeePpm()).update();
            case MarketStatusChanged m -> jdbc.sql("UPDATE markets SET status = ? WHERE market_id = ?")
                    .params(m.status().name(), m.marketId()).update();
            case OrderAccepted a -> w.order(new NewOrder(a.orderId(), a.accountId(), a.marketId(), a.clientOrderId(), a.side().name(),
                    a.orderType().name(), a.tif().name(), a.price(), a.qty(), a.quoteQty(), "OPEN", null, s, t));
            case OrderRejected r -> {
                PlaceOrder p = rejected.get(s); // null only if the log has no PlaceOrder there: fields stay NULL
                w.order(new NewOrder(s, r.accountId(), r.marketId(), r.clientOrderId(), p == null ? null : p.side().name(),
                        p == null ? null : p.orderType().name(), p == null ? null : p.tif().name(), p == null ? null : p.price(),
                        p == null ? null : p.qty(), p == null ? null : p.quoteQty(), "REJECTED", r.code().name(), s, t));
            }
            case TradeExecuted e -> {
                Side makerSide = e.takerSide().opposite();
                w.fill(s, x.index(), t, e.makerOrderId(), e.makerAccountId(), e, "MAKER", makerSide, e.makerFee());
                w.fill(s, x.index(), t, e.takerOrderId(), e.takerAccountId(), e, "TAKER", e.takerSide(), e.takerFee());
            }
            case OrderCanceled c -> w.close(s, t, c);
            default -> { }
        }
    }
}
