package io.zkclob.gateway;

import io.zkclob.contracts.Event.DepositRejected;
import io.zkclob.contracts.Event.Deposited;
import io.zkclob.contracts.Event.TradeExecuted;
import io.zkclob.contracts.Event.WithdrawalRejected;
import io.zkclob.contracts.Event.Withdrawn;
import io.zkclob.support.EventFeed;
import io.zkclob.support.EventFeed.Indexed;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every trade of the event log, with the time the engine logged it, into the gateway's PostgreSQL: the trade
 * tape (public trades, an account's trades) and OHLCV candles per market for {@link #INTERVALS}, updated as
 * trades arrive, so that klines and the 24 h ticker read a few rows instead of scanning trades on request; and
 * every deposit and withdrawal the engine decided (the accounts' transfer history).
 *
 * <p>One transaction per batch: the trades, the candles, and the position (offset to resume from and the
 * (seq, index) watermark); a redelivered event is at or below the watermark and changes nothing. Times are the
 * Kafka records' timestamps: read-side data only, never part of the state or of anything hashed.
 */
final class TradeTape implements EventFeed.Projection {
    /** Candle intervals kept, by Binance's names. */
    static final Map<String, Long> INTERVALS = intervals();
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    TradeTape(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    private static Map<String, Long> intervals() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("1m", 60_000L);
        m.put("5m", 300_000L);
        m.put("15m", 900_000L);
        m.put("1h", 3_600_000L);
        m.put("4h", 14_400_000L);
        m.put("1d", 86_400_000L);
        return java.util.Collections.unmodifiableMap(m);
    }

    @Override
    public long nextOffset() {
        return jdbc.sql("SELECT next_offset FROM trade_tape_position WHERE id = 1").query(Long.class).optional().orElse(0L);
    }

    /** One candle's change within a batch, in log order. */
    private static final class Delta {
        long open;
        long high = Long.MIN_VALUE;
        long low = Long.MAX_VALUE;
        long close;
        BigDecimal volumeQty = BigDecimal.ZERO;
        BigDecimal volumeQuote = BigDecimal.ZERO;
        long trades;
    }

    private record CandleKey(int marketId, long intervalMs, long openTimeMs) {}

    @Override
    public void apply(List<Indexed> batch, long nextOffset) {
        tx.executeWithoutResult(status -> {
            long[] mark = jdbc.sql("SELECT seq, event_index FROM trade_tape_position WHERE id = 1")
                    .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}).optional().orElse(new long[] {-1, -1});
            long seq = mark[0];
            long index = mark[1];
            Map<CandleKey, Delta> candles = new LinkedHashMap<>(); // bounded: batch size x intervals
            List<Indexed> trades = new java.util.ArrayList<>(); // bounded: the batch
            for (Indexed x : batch) {
                if (x.seq() < seq || (x.seq() == seq && x.index() <= index)) continue;
                seq = x.seq();
                index = x.index();
                if (x.event() instanceof TradeExecuted t) {
                    trades.add(x);
                    candle(x, t, candles);
                } else {
                    transfer(x);
                }
            }
            insertTrades(trades);
            for (var c : candles.entrySet()) upsert(c.getKey(), c.getValue());
            jdbc.sql("INSERT INTO trade_tape_position VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET next_offset = EXCLUDED.next_offset,"
                    + " seq = EXCLUDED.seq, event_index = EXCLUDED.event_index").params(nextOffset, seq, (int) index).update();
        });
    }

    /**
     * The batch's trades in one statement (arrays unnested, in log order, so trade ids follow the log), not one INSERT
     * per trade: per-row statements were most of this database's CPU at 4,000 orders/s (docs/benchmarks.md, issue
     * 10, session 8).
     */
    private void insertTrades(List<Indexed> trades) {
        int n = trades.size();
        if (n == 0) return;
        long[] seq = new long[n], price = new long[n], qty = new long[n], quote = new long[n], makerOrder = new long[n],
                makerAccount = new long[n], makerFee = new long[n], takerOrder = new long[n], takerAccount = new long[n],
                takerFee = new long[n], timeMs = new long[n];
        int[] index = new int[n], market = new int[n];
        String[] takerSide = new String[n];
        for (int i = 0; i < n; i++) {
            Indexed x = trades.get(i);
            TradeExecuted t = (TradeExecuted) x.event();
            seq[i] = x.seq();
            index[i] = x.index();
            market[i] = t.marketId();
            price[i] = t.price();
            qty[i] = t.qty();
            quote[i] = t.quoteAmount();
            takerSide[i] = t.takerSide().name();
            makerOrder[i] = t.makerOrderId();
            makerAccount[i] = t.makerAccountId();
            makerFee[i] = t.makerFee();
            takerOrder[i] = t.takerOrderId();
            takerAccount[i] = t.takerAccountId();
            takerFee[i] = t.takerFee();
            timeMs[i] = tradeTimeMs(x);
        }
        jdbc.sql("INSERT INTO trade_tape (seq, event_index, market_id, price, qty, quote_amount, taker_side, maker_order_id,"
                        + " maker_account_id, maker_fee, taker_order_id, taker_account_id, taker_fee, time_ms)"
                        + " SELECT * FROM unnest(?::bigint[], ?::int[], ?::int[], ?::bigint[], ?::bigint[], ?::bigint[], ?::varchar[],"
                        + " ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])"
                        + " ON CONFLICT (seq, event_index) DO NOTHING")
                .params(seq, index, market, price, qty, quote, takerSide, makerOrder, makerAccount, makerFee, takerOrder, takerAccount,
                        takerFee, timeMs)
                .update();
    }

    /**
     * A record without a timestamp (never from Kafka, which always sets one) is placed at the epoch's start rather
     * than at the time it happens to be read.
     */
    private static long tradeTimeMs(Indexed x) {
        return Math.max(0, x.logTimeMs());
    }

    private void candle(Indexed x, TradeExecuted t, Map<CandleKey, Delta> candles) {
        long timeMs = tradeTimeMs(x);
        for (long intervalMs : INTERVALS.values()) {
            Delta d = candles.computeIfAbsent(new CandleKey(t.marketId(), intervalMs, timeMs - Math.floorMod(timeMs, intervalMs)),
                    k -> new Delta());
            if (d.trades == 0) d.open = t.price();
            d.high = Math.max(d.high, t.price());
            d.low = Math.min(d.low, t.price());
            d.close = t.price();
            d.volumeQty = d.volumeQty.add(BigDecimal.valueOf(t.qty()));
            d.volumeQuote = d.volumeQuote.add(BigDecimal.valueOf(t.quoteAmount()));
            d.trades++;
        }
    }

    /** A deposit or withdrawal and the engine's verdict on it; other events are not recorded. */
    private void transfer(Indexed x) {
        Object[] row = switch (x.event()) {
            case Deposited d -> new Object[] {d.accountId(), d.assetId(), "DEPOSIT", d.amount(), d.externalId(), "COMPLETED", null};
            case DepositRejected d -> new Object[] {d.accountId(), d.assetId(), "DEPOSIT", d.amount(), d.externalId(), "REJECTED", d.code().name()};
            case Withdrawn w -> new Object[] {w.accountId(), w.assetId(), "WITHDRAWAL", w.amount(), null, "COMPLETED", null};
            case WithdrawalRejected w -> new Object[] {w.accountId(), w.assetId(), "WITHDRAWAL", w.amount(), null, "REJECTED", w.code().name()};
            default -> null;
        };
        if (row == null) return;
        jdbc.sql("INSERT INTO transfers (seq, event_index, account_id, asset_id, kind, amount, external_id, status, reject_code, time_ms)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (seq, event_index) DO NOTHING")
                .params(x.seq(), x.index(), row[0], row[1], row[2], row[3], row[4], row[5], row[6], Math.max(0, x.logTimeMs())).update();
    }

    private void upsert(CandleKey k, Delta d) {
        jdbc.sql("INSERT INTO candles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (market_id, interval_ms, open_time_ms) DO UPDATE SET"
                        + " high_price = GREATEST(candles.high_price, EXCLUDED.high_price), low_price = LEAST(candles.low_price, EXCLUDED.low_price),"
                        + " close_price = EXCLUDED.close_price, volume_qty = candles.volume_qty + EXCLUDED.volume_qty,"
                        + " volume_quote = candles.volume_quote + EXCLUDED.volume_quote, trades = candles.trades + EXCLUDED.trades")
                .params(k.marketId(), k.intervalMs(), k.openTimeMs(), d.open, d.high, d.low, d.close, d.volumeQty, d.volumeQuote, d.trades)
                .update();
    }

    // ------------------------------------------------------------------ reads

    record Trade(long tradeId, long seq, int marketId, long price, long qty, long quoteAmount, String takerSide, long makerOrderId,
                 long makerAccountId, long makerFee, long takerOrderId, long takerAccountId, long takerFee, long timeMs) {}

    record Candle(long openTimeMs, long open, long high, long low, long close, BigDecimal volumeQty, BigDecimal volumeQuote, long trades) {}

    private static final String TRADE_COLUMNS = "trade_id, seq, market_id, price, qty, quote_amount, taker_side, maker_order_id,"
            + " maker_account_id, maker_fee, taker_order_id, taker_account_id, taker_fee, time_ms";

    private static Trade trade(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Trade(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getString(7),
                rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14));
    }

    /** The latest {@code limit} trades of a market (or from {@code fromId} on), oldest first, as Binance lists them. */
    List<Trade> recent(int marketId, Long fromId, int limit) {
        if (fromId != null) {
            return jdbc.sql("SELECT " + TRADE_COLUMNS + " FROM trade_tape WHERE market_id = ? AND trade_id >= ? ORDER BY trade_id LIMIT ?")
                    .params(marketId, fromId, limit).query(TradeTape::trade).list();
        }
        List<Trade> latest = new java.util.ArrayList<>(jdbc.sql("SELECT " + TRADE_COLUMNS
                        + " FROM trade_tape WHERE market_id = ? ORDER BY trade_id DESC LIMIT ?")
                .params(marketId, limit).query(TradeTape::trade).list());
        java.util.Collections.reverse(latest);
        return latest;
    }

    /** A market's trades within [startMs, endMs] (either may be open), oldest first. */
    List<Trade> inWindow(int marketId, Long startMs, Long endMs, int limit) {
        String where = " WHERE market_id = :m" + (startMs != null ? " AND time_ms >= :s" : "") + (endMs != null ? " AND time_ms <= :e" : "");
        var q = jdbc.sql("SELECT " + TRADE_COLUMNS + " FROM trade_tape" + where + " ORDER BY trade_id LIMIT :l").param("m", marketId).param("l", limit);
        if (startMs != null) q = q.param("s", startMs);
        if (endMs != null) q = q.param("e", endMs);
        return q.query(TradeTape::trade).list();
    }

    /** The id of a market's latest trade (0 before any): a new watcher's trade stream starts after it. */
    long lastTradeId(int marketId) {
        return jdbc.sql("SELECT COALESCE(MAX(trade_id), 0) FROM trade_tape WHERE market_id = ?").param(marketId).query(Long.class).single();
    }

    /** A market's trades after a trade id, oldest first. */
    List<Trade> after(int marketId, long afterId, int limit) {
        return jdbc.sql("SELECT " + TRADE_COLUMNS + " FROM trade_tape WHERE market_id = ? AND trade_id > ? ORDER BY trade_id LIMIT ?")
                .params(marketId, afterId, limit).query(TradeTape::trade).list();
    }

    /** The seq of the last event applied (-1 before any): every trade of a command at or below it is on the tape. */
    long appliedSeq() {
        return jdbc.sql("SELECT seq FROM trade_tape_position WHERE id = 1").query(Long.class).optional().orElse(-1L);
    }

    /**
     * An account's trades in a market (null: in every market), oldest first: the latest, or from a trade id on, or
     * within [startMs, endMs].
     */
    List<Trade> ofAccount(long accountId, Integer marketId, Long orderId, Long fromId, Long startMs, Long endMs, int limit) {
        String where = " WHERE (maker_account_id = :a OR taker_account_id = :a)" + (marketId != null ? " AND market_id = :m" : "")
                + (orderId != null ? " AND (maker_order_id = :o OR taker_order_id = :o)" : "")
                + (fromId != null ? " AND trade_id >= :f" : "")
                + (startMs != null ? " AND time_ms >= :s" : "")
                + (endMs != null ? " AND time_ms <= :e" : "");
        var q = jdbc.sql("SELECT * FROM (SELECT " + TRADE_COLUMNS + " FROM trade_tape" + where + " ORDER BY trade_id "
                        + (fromId != null || startMs != null ? "ASC" : "DESC") + " LIMIT :l) t ORDER BY trade_id")
                .param("a", accountId).param("l", limit);
        if (marketId != null) q = q.param("m", marketId);
        if (orderId != null) q = q.param("o", orderId);
        if (fromId != null) q = q.param("f", fromId);
        if (startMs != null) q = q.param("s", startMs);
        if (endMs != null) q = q.param("e", endMs);
        return q.query(TradeTape::trade).list();
    }

    /** One order's fills, oldest first (bounded: a command's fills). */
    List<Trade> ofOrder(long orderId, int limit) {
        return jdbc.sql("SELECT " + TRADE_COLUMNS + " FROM trade_tape WHERE maker_order_id = ? OR taker_order_id = ? ORDER BY trade_id LIMIT ?")
                .params(orderId, orderId, limit).query(TradeTape::trade).list();
    }

    /** Candles of one interval, oldest first: the latest {@code limit}, or from {@code startMs} on, up to {@code endMs}. */
    List<Candle> candles(int marketId, long intervalMs, Long startMs, Long endMs, int limit) {
        String where = " WHERE market_id = :m AND interval_ms = :i" + (startMs != null ? " AND open_time_ms >= :s" : "")
                + (endMs != null ? " AND open_time_ms <= :e" : "");
        var q = jdbc.sql("SELECT * FROM (SELECT open_time_ms, open_price, high_price, low_price, close_price, volume_qty, volume_quote, trades"
                        + " FROM candles" + where + " ORDER BY open_time_ms " + (startMs != null ? "ASC" : "DESC") + " LIMIT :l) c ORDER BY open_time_ms")
                .param("m", marketId).param("i", intervalMs).param("l", limit);
        if (startMs != null) q = q.param("s", startMs);
        if (endMs != null) q = q.param("e", endMs);
        return q.query((rs, n) -> new Candle(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                rs.getBigDecimal(6), rs.getBigDecimal(7), rs.getLong(8))).list();
    }

    record Transfer(long seq, long accountId, int assetId, String kind, long amount, Long externalId, String status, String rejectCode,
                    long timeMs) {}

    /** An account's deposits or withdrawals, oldest first: the latest {@code limit}, or from seq {@code fromSeq} on. */
    List<Transfer> transfers(long accountId, String kind, Long fromSeq, int limit) {
        String where = " WHERE account_id = :a AND kind = :k" + (fromSeq != null ? " AND seq >= :f" : "");
        var q = jdbc.sql("SELECT * FROM (SELECT seq, account_id, asset_id, kind, amount, external_id, status, reject_code, time_ms FROM transfers"
                        + where + " ORDER BY seq " + (fromSeq != null ? "ASC" : "DESC") + " LIMIT :l) t ORDER BY seq")
                .param("a", accountId).param("k", kind).param("l", limit);
        if (fromSeq != null) q = q.param("f", fromSeq);
        return q.query((rs, n) -> new Transfer(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getLong(5),
                rs.getObject(6, Long.class), rs.getString(7), rs.getString(8), rs.getLong(9))).list();
    }

    /** The latest trade of a market, if any (the ticker's last price when the window has none). */
    java.util.Optional<Trade> last(int marketId) {
        return jdbc.sql("SELECT " + TRADE_COLUMNS + " FROM trade_tape WHERE market_id = ? ORDER BY trade_id DESC LIMIT 1")
                .param(marketId).query(TradeTape::trade).optional();
    }
}
