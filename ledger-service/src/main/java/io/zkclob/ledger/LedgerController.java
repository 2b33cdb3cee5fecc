package io.zkclob.ledger;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Internal read API (the gateway fronts it for users). Amounts are integers in the asset's smallest unit. */
@RestController
@RequestMapping("/internal/ledger")
class LedgerController {
    record Balance(int assetId, String asset, long available, long locked) {}

    record JournalLine(long seq, int eventIndex, int leg, int assetId, long availableDelta, long lockedDelta, String kind) {}

    record AssetCheck(int assetId, String asset, long balances, long fees, long deposited, long withdrawn, boolean ok) {}

    private final JdbcClient jdbc;
    private final MeterRegistry meters;

    LedgerController(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.meters = meters;
    }

    @GetMapping("/accounts/{accountId}/balances")
    List<Balance> balances(@PathVariable long accountId) {
        return jdbc.sql("SELECT b.asset_id, t.symbol, b.available, b.locked FROM balances b JOIN asset_totals t USING (asset_id)"
                        + " WHERE b.account_id = ? ORDER BY b.asset_id")
                .param(accountId).query((rs, n) -> new Balance(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4)))
                .list();
    }

    @GetMapping("/accounts/{accountId}/journal")
    List<JournalLine> journal(@PathVariable long accountId, @RequestParam(defaultValue = "100") int limit) {
        return jdbc.sql("SELECT seq, event_index, leg, asset_id, available_delta, locked_delta, kind FROM journal"
                        + " WHERE account_id = ? ORDER BY seq DESC, event_index DESC, leg DESC LIMIT ?")
                .params(accountId, Math.min(Math.max(limit, 1), 1_000))
                .query((rs, n) -> new JournalLine(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getLong(5),
                        rs.getLong(6), rs.getString(7))).list();
    }

    /** Per asset: balances + fees = deposits - withdrawals, exactly. */
    @GetMapping("/conservation")
    Map<String, Object> conservation() {
        List<AssetCheck> checks = jdbc.sql("SELECT t.asset_id, t.symbol, COALESCE(SUM(b.available + b.locked), 0), t.fees,"
                        + " t.deposited, t.withdrawn FROM asset_totals t LEFT JOIN balances b USING (asset_id)"
                        + " GROUP BY t.asset_id, t.symbol, t.fees, t.deposited, t.withdrawn ORDER BY t.asset_id")
                .query((rs, n) -> {
                    long bal = rs.getLong(3);
                    long fees = rs.getLong(4);
                    long dep = rs.getLong(5);
                    long wd = rs.getLong(6);
                    return new AssetCheck(rs.getInt(1), rs.getString(2), bal, fees, dep, wd, bal + fees == dep - wd);
                }).list();
        boolean ok = checks.stream().allMatch(AssetCheck::ok);
        meters.counter("ledger.checks", "result", ok ? "ok" : "broken").increment();
        long seq = jdbc.sql("SELECT seq FROM watermark WHERE id = 1").query(Long.class).single();
        return Map.of("ok", ok, "throughSeq", seq, "assets", checks);
    }

    @GetMapping("/watermark")
    Map<String, Long> watermark() {
        return Map.of("seq", jdbc.sql("SELECT seq FROM watermark WHERE id = 1").query(Long.class).single());
    }
}
