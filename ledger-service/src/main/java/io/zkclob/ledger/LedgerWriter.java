package io.zkclob.ledger;

import io.zkclob.contracts.Event;
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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies engine events to the ledger, one database transaction per batch: journal legs, balance deltas
 * summed per (account, asset) and upserted once, totals, the watermark and the feed's next offset (where a
 * restart resumes, whatever Kafka's group offset says). Balance effects follow
 * docs/engine-spec.md §8; account 0 is the exchange's fee account.
 */
@Component
class LedgerWriter implements EventFeed.Projection {
    static final long FEE_ACCOUNT = 0;

    record Leg(long seq, int index, int leg, long accountId, int assetId, long available, long locked, String kind) {}

    private final JdbcTemplate jdbc;
    private final JdbcClient client;
    private final TransactionTemplate tx;

    LedgerWriter(JdbcTemplate jdbc, JdbcClient client, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.client = client;
        this.tx = tx;
    }

    /** marketId → {base, quote}: immutable once the market exists. */
    private final Map<Integer, int[]> marketAssets = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public long nextOffset() {
        return client.sql("SELECT next_offset FROM watermark WHERE id = 1").query(Long.class).single();
    }

    @Override
    public void apply(List<Indexed> batch, long nextOffset) {
        tx.executeWithoutResult(status -> {
            long[] mark = client.sql("SELECT seq, event_index FROM watermark WHERE id = 1 FOR UPDATE")
                    .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
            List<Leg> legs = new ArrayList<>();
            Indexed last = null;
            for (Indexed e : batch) {
                if (e.seq() < mark[0] || (e.seq() == mark[0] && e.index() <= mark[1])) continue; // already applied
                legs(e, legs);
                last = e;
            }
            // One statement for the position and the watermark (one row version, one WAL record a poll); a batch
            // that was all redelivered keeps its watermark.
            client.sql("UPDATE watermark SET seq = ?, event_index = ?, next_offset = GREATEST(next_offset, ?) WHERE id = 1")
                    .params(last == null ? mark[0] : last.seq(), last == null ? mark[1] : last.index(), nextOffset).update();
            if (last == null) return;
            insertJournal(legs);
            Map<List<Long>, long[]> deltas = new LinkedHashMap<>();
            for (Leg l : legs) {
                if (l.accountId() == FEE_ACCOUNT) continue;
                long[] d = deltas.computeIfAbsent(List.of(l.accountId(), (long) l.assetId()), k -> new long[2]);
                d[0] += l.available();
                d[1] += l.locked();
            }
            // Insert missing rows at zero, then add the deltas: PostgreSQL checks CHECK constraints on the
            // candidate row of an upsert, so the sums must be applied by UPDATE. Each as one statement over arrays
            // (one row per account and asset, so none is updated twice), not one per row: the per-row UPDATEs were
            // 14,600 statements in 10 s at 4,000 orders/s (docs/benchmarks.md, issue 10, session 8).
            int n = deltas.size(); // bounded: the batch's legs
            long[] accounts = new long[n], available = new long[n], locked = new long[n];
            int[] assets = new int[n];
            int r = 0;
            for (Map.Entry<List<Long>, long[]> e : deltas.entrySet()) {
                accounts[r] = e.getKey().get(0);
                assets[r] = e.getKey().get(1).intValue();
                available[r] = e.getValue()[0];
                locked[r] = e.getValue()[1];
                r++;
            }
            if (n > 0) {
                client.sql("INSERT INTO balances (account_id, asset_id, available, locked) SELECT k.account_id, k.asset_id, 0, 0"
                        + " FROM unnest(?::bigint[], ?::int[]) AS k (account_id, asset_id) ON CONFLICT (account_id, asset_id) DO NOTHING")
                        .params(accounts, assets).update();
                client.sql("UPDATE balances b SET available = b.available + d.available, locked = b.locked + d.locked"
                        + " FROM unnest(?::bigint[], ?::int[], ?::bigint[], ?::bigint[]) AS d (account_id, asset_id, available, locked)"
                        + " WHERE b.account_id = d.account_id AND b.asset_id = d.asset_id")
                        .params(accounts, assets, available, locked).update();
            }
            Map<Integer, Long> fees = new LinkedHashMap<>();
            for (Leg l : legs) if (l.kind().equals("FEE")) fees.merge(l.assetId(), l.available(), Math::addExact);
            List<Object[]> feeRows = new ArrayList<>();
            fees.forEach((asset, amount) -> feeRows.add(new Object[] {amount, asset}));
            jdbc.batchUpdate("UPDATE asset_totals SET fees = fees + ? WHERE asset_id = ?", feeRows);
        });
    }

    /** Rows per statement: a poll's trades have at most about five legs a record; bounded whatever it holds. */
    private static final int MAX_LEGS = 5 * LogFollower.MAX_POLL_RECORDS;

    /**
     * The legs in one statement over arrays, in event order, not the driver's multi-row VALUES (eight bind parameters
     * a leg, planned by the server each time): about four legs an order were most of this database's work at 4,000
     * orders/s (docs/benchmarks.md, issue 10, session 9). No uniqueness check: the watermark, read FOR UPDATE in the
     * same transaction, is what keeps a leg from being written twice (V3).
     */
    private void insertJournal(List<Leg> legs) {
        for (int from = 0; from < legs.size(); from += MAX_LEGS) {
            List<Leg> part = legs.subList(from, Math.min(legs.size(), from + MAX_LEGS));
            int n = part.size();
            long[] seq = new long[n], account = new long[n], available = new long[n], locked = new long[n];
            int[] index = new int[n], leg = new int[n], asset = new int[n];
            String[] kind = new String[n];
            for (int i = 0; i < n; i++) {
                Leg l = part.get(i);
                seq[i] = l.seq();
                index[i] = l.index();
                leg[i] = l.leg();
                account[i] = l.accountId();
                asset[i] = l.assetId();
                available[i] = l.available();
                locked[i] = l.locked();
                kind[i] = l.kind();
            }
            client.sql("INSERT INTO journal (seq, event_index, leg, account_id, asset_id, available_delta, locked_delta, kind)"
                            + " SELECT * FROM unnest(?::bigint[], ?::int[], ?::int[], ?::bigint[], ?::int[], ?::bigint[], ?::bigint[], ?::text[])")
                    .params(seq, index, leg, account, asset, available, locked, kind).update();
        }
    }

    private void legs(Indexed x, List<Leg> out) {
        long s = x.seq();
        int i = x.index();
        switch (x.event()) {
            case AssetAdded a -> client.sql("INSERT INTO asset_totals (asset_id, symbol, scale) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                    .params(a.assetId(), a.symbol(), a.scale()).update();
            case MarketAdded m -> client.sql("INSERT INTO markets VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                    .params(m.marketId(), m.baseAssetId(), m.quoteAssetId()).update();
            case Deposited d -> {
                out.add(new Leg(s, i, 0, d.accountId(), d.assetId(), d.amount(), 0, "DEPOSIT"));
                client.sql("UPDATE asset_totals SET deposited = deposited + ? WHERE asset_id = ?").params(d.amount(), d.assetId()).update();
                client.sql("INSERT INTO deposits VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                        .params(d.externalId(), d.accountId(), d.assetId(), d.amount(), s).update();
            }
            case Withdrawn w -> {
                out.add(new Leg(s, i, 0, w.accountId(), w.assetId(), -w.amount(), 0, "WITHDRAWAL"));
                client.sql("UPDATE asset_totals SET withdrawn = withdrawn + ? WHERE asset_id = ?").params(w.amount(), w.assetId()).update();
            }
            case OrderAccepted a -> out.add(new Leg(s, i, 0, a.accountId(), a.holdAssetId(), -a.holdAmount(), a.holdAmount(), "HOLD"));
            case OrderCanceled c -> {
                if (c.releasedAmount() != 0) {
                    out.add(new Leg(s, i, 0, c.accountId(), c.holdAssetId(), c.releasedAmount(), -c.releasedAmount(), "RELEASE"));
                }
            }
            case TradeExecuted t -> trade(s, i, t, out);
            default -> { }
        }
    }

    private void trade(long s, int i, TradeExecuted t, List<Leg> out) {
        // A market's assets never change once added: read once, not per trade.
        int[] m = marketAssets.computeIfAbsent(t.marketId(), id -> client.sql("SELECT base_asset_id, quote_asset_id FROM markets WHERE market_id = ?")
                .param(id).query((rs, n) -> new int[] {rs.getInt(1), rs.getInt(2)}).single());
        int base = m[0];
        int quote = m[1];
        boolean takerBuys = t.takerSide() == Side.BUY;
        long buyer = takerBuys ? t.takerAccountId() : t.makerAccountId();
        long seller = takerBuys ? t.makerAccountId() : t.takerAccountId();
        long buyerFee = takerBuys ? t.takerFee() : t.makerFee();
        long sellerFee = takerBuys ? t.makerFee() : t.takerFee();
        long buyerReleased = takerBuys ? t.takerHoldReleased() : t.makerHoldReleased();
        out.add(new Leg(s, i, 0, buyer, quote, buyerReleased, -(t.quoteAmount() + buyerFee + buyerReleased), "TRADE_PAY"));
        out.add(new Leg(s, i, 1, buyer, base, t.qty(), 0, "TRADE_RECEIVE"));
        out.add(new Leg(s, i, 2, seller, base, 0, -t.qty(), "TRADE_DELIVER"));
        out.add(new Leg(s, i, 3, seller, quote, t.quoteAmount() - sellerFee, 0, "TRADE_PROCEEDS"));
        out.add(new Leg(s, i, 4, FEE_ACCOUNT, quote, t.makerFee() + t.takerFee(), 0, "FEE")); // totals: per batch, in apply
    }
}
