package io.zkclob.order;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import io.zkclob.support.ApiException;

/** Internal read API behind the gateway: orders, fills, markets, depth, recent trades. */
@RestController
@RequestMapping("/internal")
class OrderQueries {
    /** price, qty and quoteQty are null where unknown (a rejected order whose command could not be read). */
    record OrderView(long orderId, long accountId, int marketId, long clientOrderId, String side, String orderType,
                     String tif, Long price, Long qty, Long quoteQty, long filledQty, long filledQuote, long feesPaid,
                     String status, String rejectCode, String cancelReason, long updatedSeq, Long createdAtMs, Long updatedAtMs) {}

    record FillView(long seq, long orderId, int marketId, String role, String side, long price, long qty,
                    long quoteAmount, long fee) {}

    record MarketView(int marketId, String symbol, int baseAssetId, String base, int baseScale, int quoteAssetId,
                      String quote, int quoteScale, long tickSize, long lotSize, long minNotional, int makerFeePpm,
                      int takerFeePpm, String status) {}

    private static final String ORDER_COLUMNS = "order_id, account_id, market_id, client_order_id, side, order_type, tif,"
            + " price, qty, quote_qty, filled_qty, filled_quote, fees_paid, status, reject_code, cancel_reason, updated_seq, created_at_ms,"
            + " updated_at_ms";
    private final JdbcClient jdbc;

    OrderQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    private static OrderView order(ResultSet rs, int n) throws SQLException {
        return new OrderView(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getLong(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getObject(8, Long.class), rs.getObject(9, Long.class), rs.getObject(10, Long.class), rs.getLong(11), rs.getLong(12),
                rs.getLong(13), rs.getString(14), rs.getString(15), rs.getString(16), rs.getLong(17), rs.getObject(18, Long.class),
                rs.getObject(19, Long.class));
    }

    @GetMapping("/orders/{orderId}")
    OrderView byId(@PathVariable long orderId) {
        return jdbc.sql("SELECT " + ORDER_COLUMNS + " FROM orders WHERE order_id = ?").param(orderId).query(OrderQueries::order)
                .optional().orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "ORDER_NOT_FOUND", "no order " + orderId));
    }

    /** The latest orders, newest first; or a page from {@code fromId} on, oldest first (the gateway's paging). */
    @GetMapping("/accounts/{accountId}/orders")
    List<OrderView> orders(@PathVariable long accountId, @RequestParam(defaultValue = "false") boolean open,
                           @RequestParam(required = false) Long clientOrderId, @RequestParam(required = false) Long fromId,
                           @RequestParam(defaultValue = "100") int limit) {
        String where = "account_id = ?" + (open ? " AND status IN ('OPEN', 'PARTIALLY_FILLED')" : "")
                + (clientOrderId != null ? " AND client_order_id = " + clientOrderId.longValue() : "")
                + (fromId != null ? " AND order_id >= " + fromId.longValue() : "");
        return jdbc.sql("SELECT " + ORDER_COLUMNS + " FROM orders WHERE " + where + " ORDER BY order_id " + (fromId != null ? "ASC" : "DESC")
                        + " LIMIT ?")
                .params(accountId, Math.min(Math.max(limit, 1), 1_000)).query(OrderQueries::order).list();
    }

    @GetMapping("/accounts/{accountId}/fills")
    List<FillView> fills(@PathVariable long accountId, @RequestParam(defaultValue = "100") int limit) {
        return jdbc.sql("SELECT seq, order_id, market_id, role, side, price, qty, quote_amount, fee FROM fills"
                        + " WHERE account_id = ? ORDER BY seq DESC, event_index DESC LIMIT ?")
                .params(accountId, Math.min(Math.max(limit, 1), 1_000))
                .query((rs, n) -> new FillView(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9))).list();
    }

    @GetMapping("/markets")
    List<MarketView> markets() {
        return jdbc.sql("SELECT m.market_id, m.symbol, m.base_asset_id, b.symbol, b.scale, m.quote_asset_id, q.symbol, q.scale,"
                        + " m.tick_size, m.lot_size, m.min_notional, m.maker_fee_ppm, m.taker_fee_ppm, m.status FROM markets m"
                        + " JOIN assets b ON b.asset_id = m.base_asset_id JOIN assets q ON q.asset_id = m.quote_asset_id ORDER BY m.market_id")
                .query((rs, n) -> new MarketView(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getInt(5),
                        rs.getInt(6), rs.getString(7), rs.getInt(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getInt(12),
                        rs.getInt(13), rs.getString(14))).list();
    }

    @GetMapping("/assets")
    List<Map<String, Object>> assets() {
        return jdbc.sql("SELECT asset_id, symbol, scale FROM assets ORDER BY asset_id")
                .query((rs, n) -> Map.<String, Object>of("assetId", rs.getInt(1), "symbol", rs.getString(2), "scale", rs.getInt(3)))
                .list();
    }

    /** Aggregated levels, best first, from the open orders; {@code throughSeq} is the last event reflected. */
    @GetMapping("/markets/{marketId}/depth")
    Map<String, Object> depth(@PathVariable int marketId, @RequestParam(defaultValue = "20") int levels) {
        int n = Math.min(Math.max(levels, 1), 500);
        String sql = "SELECT price, SUM(qty - filled_qty) FROM orders WHERE market_id = ? AND side = ?"
                + " AND status IN ('OPEN', 'PARTIALLY_FILLED') GROUP BY price ORDER BY price %s LIMIT ?";
        List<long[]> bids = jdbc.sql(sql.formatted("DESC")).params(marketId, "BUY", n)
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).list();
        List<long[]> asks = jdbc.sql(sql.formatted("ASC")).params(marketId, "SELL", n)
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).list();
        long seq = jdbc.sql("SELECT seq FROM watermark WHERE id = 1").query(Long.class).single();
        return Map.of("marketId", marketId, "throughSeq", seq, "bids", bids, "asks", asks);
    }

    @GetMapping("/markets/{marketId}/trades")
    List<Map<String, Object>> trades(@PathVariable int marketId, @RequestParam(defaultValue = "50") int limit) {
        return jdbc.sql("SELECT seq, price, qty, side FROM fills WHERE market_id = ? AND role = 'TAKER' ORDER BY seq DESC,"
                        + " event_index DESC LIMIT ?")
                .params(marketId, Math.min(Math.max(limit, 1), 500))
                .query((rs, n) -> Map.<String, Object>of("seq", rs.getLong(1), "price", rs.getLong(2), "qty", rs.getLong(3),
                        "takerSide", rs.getString(4))).list();
    }

    @GetMapping("/watermark")
    Map<String, Long> watermark() {
        return Map.of("seq", jdbc.sql("SELECT seq FROM watermark WHERE id = 1").query(Long.class).single());
    }
}
