package io.zkclob.order;

import io.zkclob.contracts.Command.PlaceOrder;
import io.zkclob.contracts.Event.*;
import io.zkclob.contracts.Side;
import io.zkclob.support.EventFeed;
import io.zkclob.support.EventFeed.Indexed;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Projects engine events into orders, fills, markets and assets; one transaction per batch, with the watermark
 * and the feed's next offset (the position a restart resumes from).
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
            Indexed last = null;
            for (Indexed e : batch) {
                if (e.seq() < mark[0] || (e.seq() == mark[0] && e.index() <= mark[1])) continue;
                project(e, rejected);
                last = e;
            }
            if (last != null) {
                jdbc.sql("UPDATE watermark SET seq = ?, event_index = ? WHERE id = 1").params(last.seq(), last.index()).update();
            }
            jdbc.sql("UPDATE watermark SET next_offset = GREATEST(next_offset, ?) WHERE id = 1").param(nextOffset).update();
        });
    }

    private void project(Indexed x, Map<Long, PlaceOrder> rejected) {
        long s = x.seq();
        switch (x.event()) {
            case AssetAdded a -> jdbc.sql("INSERT INTO assets VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                    .params(a.assetId(), a.symbol(), a.scale()).update();
            case MarketAdded m -> jdbc.sql("INSERT INTO markets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE') ON CONFLICT DO NOTHING")
                    .params(m.marketId(), m.symbol(), m.baseAssetId(), m.quoteAssetId(), m.tickSize(), m.lotSize(),
                            m.minNotional(), m.makerFeePpm(), m.takerFeePpm()).update();
            case MarketStatusChanged m -> jdbc.sql("UPDATE markets SET status = ? WHERE market_id = ?")
                    .params(m.status().name(), m.marketId()).update();
            case OrderAccepted a -> jdbc.sql("INSERT INTO orders (order_id, account_id, market_id, client_order_id, side,"
                            + " order_type, tif, price, qty, quote_qty, status, updated_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', ?)"
                            + " ON CONFLICT DO NOTHING")
                    .params(a.orderId(), a.accountId(), a.marketId(), a.clientOrderId(), a.side().name(), a.orderType().name(),
                            a.tif().name(), a.price(), a.qty(), a.quoteQty(), s).update();
            case OrderRejected r -> {
                PlaceOrder p = rejected.get(s); // null only if the log has no PlaceOrder there: fields stay NULL
                jdbc.sql("INSERT INTO orders (order_id, account_id, market_id, client_order_id, side, order_type, tif, price,"
                                + " qty, quote_qty, status, reject_code, updated_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'REJECTED', ?, ?)"
                                + " ON CONFLICT DO NOTHING")
                        .params(s, r.accountId(), r.marketId(), r.clientOrderId(), p == null ? null : p.side().name(),
                                p == null ? null : p.orderType().name(), p == null ? null : p.tif().name(),
                                p == null ? null : p.price(), p == null ? null : p.qty(), p == null ? null : p.quoteQty(),
                                r.code().name(), s).update();
            }
            case TradeExecuted t -> {
                Side makerSide = t.takerSide().opposite();
                fill(s, x.index(), t.makerOrderId(), t.makerAccountId(), t, "MAKER", makerSide, t.makerFee());
                fill(s, x.index(), t.takerOrderId(), t.takerAccountId(), t, "TAKER", t.takerSide(), t.takerFee());
            }
            case OrderCanceled c -> {
                // Nothing left and something filled: the order completed, and a completed order has no cancel reason.
                boolean completed = c.remainingQty() == 0 && jdbc.sql("SELECT filled_qty > 0 FROM orders WHERE order_id = ?")
                        .param(c.orderId()).query(Boolean.class).optional().orElse(false);
                jdbc.sql("UPDATE orders SET status = ?, cancel_reason = ?, updated_seq = ? WHERE order_id = ?")
                        .params(completed ? "FILLED" : "CANCELED", completed ? null : c.reason().name(), s, c.orderId()).update();
            }
            default -> { }
        }
    }

    private void fill(long seq, int index, long orderId, long accountId, TradeExecuted t, String role, Side side, long fee) {
        jdbc.sql("INSERT INTO fills VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(seq, index, orderId, accountId, t.marketId(), role, side.name(), t.price(), t.qty(), t.quoteAmount(), fee)
                .update();
        jdbc.sql("UPDATE orders SET filled_qty = filled_qty + ?, filled_quote = filled_quote + ?, fees_paid = fees_paid + ?,"
                        + " status = CASE WHEN qty > 0 AND filled_qty + ? >= qty THEN 'FILLED' ELSE 'PARTIALLY_FILLED' END,"
                        + " updated_seq = ? WHERE order_id = ?")
                .params(t.qty(), t.quoteAmount(), fee, t.qty(), seq, orderId).update();
    }
}
