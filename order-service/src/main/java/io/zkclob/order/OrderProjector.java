package io.zkclob.order;

import io.zkclob.contracts.Command.PlaceOrder;
import io.zkclob.contracts.Event.*;
import io.zkclob.contracts.Side;
import io.zkclob.support.EventFeed;
import io.zkclob.support.EventFeed.Indexed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
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
    private final JdbcTemplate batches;

    OrderProjector(JdbcClient jdbc, JdbcTemplate batches, TransactionTemplate tx, PlacedOrders placed) {
        this.jdbc = jdbc;
        this.batches = batches;
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
            if (last != null) {
                jdbc.sql("UPDATE watermark SET seq = ?, event_index = ? WHERE id = 1").params(last.seq(), last.index()).update();
            }
            jdbc.sql("UPDATE watermark SET next_offset = GREATEST(next_offset, ?) WHERE id = 1").param(nextOffset).update();
        });
    }

    /**
     * One poll's writes, set-based: new orders, fills, each order's fill totals (summed over the batch) and its
     * closing, each as one JDBC batch (multi-row with the driver's batched-insert rewrite; the totals as one
     * statement over arrays), in that order, so an order placed, filled and canceled within one poll ends as the
     * three statements one by one would leave it.
     * Rare events (assets, markets) are written at once.
     */
    private final class Writes {
        private final List<Object[]> orders = new ArrayList<>();
        private final List<Object[]> fills = new ArrayList<>();
        /** orderId → {filledQty, filledQuote, fees, lastSeq, lastTimeMs}, in first-fill order. */
        private final Map<Long, long[]> filled = new LinkedHashMap<>();
        private final List<Object[]> closed = new ArrayList<>();

        void fill(long seq, int index, long timeMs, long orderId, long accountId, TradeExecuted t, String role, Side side, long fee) {
            fills.add(new Object[] {seq, index, orderId, accountId, t.marketId(), role, side.name(), t.price(), t.qty(), t.quoteAmount(), fee});
            long[] sum = filled.computeIfAbsent(orderId, id -> new long[5]);
            sum[0] = Math.addExact(sum[0], t.qty());
            sum[1] = Math.addExact(sum[1], t.quoteAmount());
            sum[2] = Math.addExact(sum[2], fee);
            sum[3] = seq;
            sum[4] = timeMs;
        }

        void flush() {
            batch("INSERT INTO orders (order_id, account_id, market_id, client_order_id, side, order_type, tif, price, qty,"
                    + " quote_qty, status, reject_code, updated_seq, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT DO NOTHING", orders);
            batch("INSERT INTO fills VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", fills);
            addFills();
            // Nothing left and something filled: the order completed, and a completed order has no cancel reason.
            batch("UPDATE orders SET status = CASE WHEN ? AND filled_qty > 0 THEN 'FILLED' ELSE 'CANCELED' END,"
                    + " cancel_reason = CASE WHEN ? AND filled_qty > 0 THEN NULL ELSE ? END, updated_seq = ?, updated_at_ms = ? WHERE order_id = ?",
                    closed);
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

        private void batch(String sql, List<Object[]> rows) {
            for (int from = 0; from < rows.size(); from += MAX_BATCH_ROWS) { // bounded statements, whatever the poll size
                batches.batchUpdate(sql, rows.subList(from, Math.min(rows.size(), from + MAX_BATCH_ROWS)));
            }
        }
    }

    private static final int MAX_BATCH_ROWS = 1_000;

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
            case OrderAccepted a -> w.orders.add(new Object[] {a.orderId(), a.accountId(), a.marketId(), a.clientOrderId(),
                    a.side().name(), a.orderType().name(), a.tif().name(), a.price(), a.qty(), a.quoteQty(), "OPEN", null, s, t, t});
            case OrderRejected r -> {
                PlaceOrder p = rejected.get(s); // null only if the log has no PlaceOrder there: fields stay NULL
                w.orders.add(new Object[] {s, r.accountId(), r.marketId(), r.clientOrderId(), p == null ? null : p.side().name(),
                        p == null ? null : p.orderType().name(), p == null ? null : p.tif().name(), p == null ? null : p.price(),
                        p == null ? null : p.qty(), p == null ? null : p.quoteQty(), "REJECTED", r.code().name(), s, t, t});
            }
            case TradeExecuted e -> {
                Side makerSide = e.takerSide().opposite();
                w.fill(s, x.index(), t, e.makerOrderId(), e.makerAccountId(), e, "MAKER", makerSide, e.makerFee());
                w.fill(s, x.index(), t, e.takerOrderId(), e.takerAccountId(), e, "TAKER", e.takerSide(), e.takerFee());
            }
            case OrderCanceled c -> w.closed.add(new Object[] {c.remainingQty() == 0, c.remainingQty() == 0, c.reason().name(), s, t,
                    c.orderId()});
            default -> { }
        }
    }
}
