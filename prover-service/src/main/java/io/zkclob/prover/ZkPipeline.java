package io.zkclob.prover;

import io.micrometer.core.instrument.MeterRegistry;
import io.zkclob.contracts.Topics;
import io.zkclob.support.EventFeed;
import io.zkclob.support.EventFeed.Indexed;
import io.zkclob.contracts.Event.BlockSealed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import io.zkclob.contracts.json.MessageJson;

/**
 * The zk pipeline over ranges: every range is executed in the SP1 guest as soon as it is cut (seconds), so a
 * divergence between the Java engine and the Rust guest shows at once: the range and its blocks turn FAILED,
 * the {@code prover.divergence} gauge goes to 1, and no further proof is published. Proving (opt-in; minutes
 * per range here) takes executed ranges oldest first, one at a time; each proof is verified again by a
 * separate `verify` before it is stored and published. Lag is a metric and in the API.
 *
 * <p>Crash safety: each status transition is one transaction; a range left PROVING by a crash is put back to
 * EXECUTED at start ({@link #recover}); a divergence is a row in the database that survives restarts and is
 * cleared only by an operator ({@link #clearDivergence}). At most {@code maxPendingProofs} executed ranges keep
 * their witness for proving; the others are still executed (every range is), marked UNPROVEN, and their witness
 * deleted, so witnesses on disk stay bounded. One prover-service instance owns the pipeline.
 */
final class ZkPipeline implements EventFeed.Projection, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZkPipeline.class);
    private final ProverProperties props;
    private final ProverCli cli;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final KafkaProducer<String, String> producer;
    private final AtomicLong divergence = new AtomicLong();
    private final AtomicLong lagBlocks = new AtomicLong();
    private final AtomicLong lagSeconds = new AtomicLong();

    ZkPipeline(ProverProperties props, ProverCli cli, JdbcClient jdbc, TransactionTemplate tx, String bootstrap, MeterRegistry meters) {
        this.props = props;
        this.cli = cli;
        this.jdbc = jdbc;
        this.tx = tx;
        this.producer = io.zkclob.support.KafkaClients.producer(bootstrap);
        meters.gauge("prover.divergence", divergence);
        meters.gauge("prover.lag.blocks", lagBlocks);
        meters.gauge("prover.lag.seconds", lagSeconds);
    }

    /** At start: a range a crash left PROVING goes back to EXECUTED (its proof is redone); the alert is reloaded. */
    void recover() {
        tx.executeWithoutResult(s -> {
            int ranges = jdbc.sql("UPDATE ranges SET status = 'EXECUTED' WHERE status = 'PROVING'").update();
            jdbc.sql("UPDATE blocks SET status = 'EXECUTED' WHERE status = 'PROVING'").update();
            if (ranges > 0) log.warn("{} range(s) were PROVING when the service stopped: back to EXECUTED", ranges);
        });
        if (diverged()) log.error("a divergence is recorded: proof publication stays stopped until an operator clears it");
    }

    /** Durable: read from the database, so it survives a restart. */
    boolean diverged() {
        boolean d = jdbc.sql("SELECT EXISTS (SELECT 1 FROM divergence)").query(Boolean.class).single();
        divergence.set(d ? 1 : 0);
        return d;
    }

    /** The operator's decision that the divergence is understood: publication resumes. Returns what was cleared. */
    Map<String, Object> clearDivergence() {
        var cleared = jdbc.sql("DELETE FROM divergence RETURNING range_id, detail")
                .query((rs, n) -> Map.<String, Object>of("rangeId", rs.getLong(1), "detail", rs.getString(2))).optional();
        diverged();
        cleared.ifPresent(c -> log.warn("divergence cleared by an operator: {}", c));
        return cleared.orElse(Map.of());
    }

    @Override
    public long nextOffset() {
        return jdbc.sql("SELECT next_offset FROM feed_position WHERE feed = 'events'").query(Long.class).single();
    }

    /** Recorded headers from the event log (idempotent), with the feed's position, in one transaction. */
    @Override
    public void apply(List<Indexed> batch, long nextOffset) {
        tx.executeWithoutResult(s -> {
            for (Indexed e : batch) {
                if (e.event() instanceof BlockSealed b) {
                    jdbc.sql("INSERT INTO blocks (height, first_seq, last_seq, state_root, commands_root, events_root, sealed_at_ms, status)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, 'SEALED') ON CONFLICT DO NOTHING")
                            .params(b.height(), b.firstSeq(), b.lastSeq(), b.stateRoot(), b.commandsRoot(), b.eventsRoot(), b.timestampMs())
                            .update();
                }
            }
            jdbc.sql("UPDATE feed_position SET next_offset = GREATEST(next_offset, ?) WHERE feed = 'events'").param(nextOffset).update();
        });
    }

    @Scheduled(fixedDelay = 500)
    void executePending() {
        if (!props.executeEnabled() || !cli.available()) return;
        for (int i = 0; i < 20; i++) { // a bound per tick; the next tick continues
            var range = jdbc.sql("SELECT range_id, witness_path, first_height, last_height FROM ranges WHERE status = 'PENDING'"
                    + " ORDER BY range_id LIMIT 1").query((rs, n) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4)})
                    .optional();
            if (range.isEmpty()) return;
            long id = (long) range.get()[0];
            try {
                JsonNode r = cli.execute(Path.of((String) range.get()[1]));
                if (r.path("ok").asBoolean(false)) {
                    executed(id, Path.of((String) range.get()[1]), r.get("cycles").asLong());
                } else {
                    fail(id, "guest execution failed: " + r.path("error").asString());
                }
            } catch (Exception e) {
                log.warn("range {}: cannot run the prover CLI: {}", id, e.getMessage());
                return;
            }
        }
    }

    /** Queues the range for proving while fewer than maxPendingProofs wait; else drops its witness. */
    private void executed(long id, Path witness, long cycles) throws java.io.IOException {
        boolean queued = tx.execute(s -> {
            long waiting = jdbc.sql("SELECT COUNT(*) FROM ranges WHERE status IN ('EXECUTED', 'PROVING')").query(Long.class).single();
            boolean prove = props.proveEnabled() && waiting < props.maxPendingProofs();
            jdbc.sql("UPDATE ranges SET status = ?, cycles = ?, detail = ? WHERE range_id = ?")
                    .params(prove ? "EXECUTED" : "UNPROVEN", cycles, prove ? null
                            : "executed; not proven (proving off or " + waiting + " ranges already waiting)", id).update();
            jdbc.sql("UPDATE blocks SET status = 'EXECUTED', detail = 'executed in the SP1 guest (not proven)' WHERE range_id = ? AND status = 'SEALED'")
                    .param(id).update();
            return prove;
        });
        if (!queued) Files.deleteIfExists(witness); // after the commit: a crash before it leaves a file, never a dangling row
    }

    private void fail(long rangeId, String why) {
        log.error("range {}: {} -- proof publication stopped (prover.divergence=1)", rangeId, why);
        tx.executeWithoutResult(s -> {
            jdbc.sql("UPDATE ranges SET status = 'FAILED', detail = ? WHERE range_id = ?").params(why, rangeId).update();
            jdbc.sql("UPDATE blocks SET status = 'FAILED', detail = ? WHERE range_id = ?").params(why, rangeId).update();
            jdbc.sql("INSERT INTO divergence (id, range_id, detail) VALUES (1, ?, ?) ON CONFLICT DO NOTHING").params(rangeId, why).update();
        });
        divergence.set(1);
    }

    @Scheduled(fixedDelay = 2_000)
    void proveNext() {
        if (!props.proveEnabled() || diverged() || !cli.available()) return;
        var range = jdbc.sql("SELECT range_id, witness_path, first_height, last_height FROM ranges WHERE status = 'EXECUTED'"
                + " ORDER BY range_id LIMIT 1").query((rs, n) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4)})
                .optional();
        if (range.isEmpty()) return;
        long id = (long) range.get()[0];
        Path witness = Path.of((String) range.get()[1]);
        Path proof = witness.resolveSibling("range-" + range.get()[2] + "-" + range.get()[3] + "." + props.mode() + ".proof");
        tx.executeWithoutResult(s -> {
            jdbc.sql("UPDATE ranges SET status = 'PROVING' WHERE range_id = ?").param(id).update();
            jdbc.sql("UPDATE blocks SET status = 'PROVING' WHERE range_id = ?").param(id).update();
        });
        try {
            JsonNode proved = cli.prove(witness, proof);
            JsonNode verified = proved.path("ok").asBoolean(false) ? cli.verify(proof) : proved;
            if (!verified.path("ok").asBoolean(false) || !verified.path("verified").asBoolean(false)) {
                fail(id, "proof failed or did not verify: " + verified.path("error").asString());
                return;
            }
            long sizeBytes = Files.size(proof);
            long proofId = tx.execute(s -> {
                long pid = jdbc.sql("INSERT INTO proofs (range_id, first_height, last_height, mode, path, size_bytes, prove_ms, vkey, public_values)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING proof_id")
                        .params(id, range.get()[2], range.get()[3], props.mode(), proof.toString(), sizeBytes,
                                proved.get("prove_ms").asLong(), proved.get("vkey").asString(), proved.get("public_values").asString())
                        .query(Long.class).single();
                jdbc.sql("UPDATE ranges SET status = 'PROVEN' WHERE range_id = ?").param(id).update();
                jdbc.sql("UPDATE blocks SET status = 'PROVEN', proof_id = ?, detail = ? WHERE range_id = ?")
                        .params(pid, "proven by SP1 (" + props.mode() + "), verified", id).update();
                return pid;
            });
            producer.send(new ProducerRecord<>(Topics.PROOFS, String.valueOf(proofId), MessageJson.write(Map.of("proofId", proofId,
                    "firstHeight", range.get()[2], "lastHeight", range.get()[3], "mode", props.mode(), "vkey", proved.get("vkey").asString(),
                    "publicValues", proved.get("public_values").asString(), "sizeBytes", Files.size(proof), "proveMs", proved.get("prove_ms").asLong()))));
            log.info("range {}: proven and verified ({} ms)", id, proved.get("prove_ms").asLong());
        } catch (Exception e) {
            log.warn("range {}: proving interrupted: {}", id, e.getMessage());
            tx.executeWithoutResult(s -> {
                jdbc.sql("UPDATE ranges SET status = 'EXECUTED' WHERE range_id = ?").param(id).update();
                jdbc.sql("UPDATE blocks SET status = 'EXECUTED' WHERE range_id = ?").param(id).update();
            });
        }
    }

    @Scheduled(fixedDelay = 1_000)
    void measureLag() {
        long latest = jdbc.sql("SELECT COALESCE(MAX(height), 0) FROM blocks").query(Long.class).single();
        long proven = jdbc.sql("SELECT COALESCE(MAX(height), 0) FROM blocks WHERE status = 'PROVEN'").query(Long.class).single();
        long oldest = jdbc.sql("SELECT COALESCE(MIN(sealed_at_ms), 0) FROM blocks WHERE status <> 'PROVEN'").query(Long.class).single();
        lagBlocks.set(latest - proven);
        lagSeconds.set(oldest == 0 ? 0 : Math.max(0, (System.currentTimeMillis() - oldest) / 1000));
    }

    Map<String, Object> lag() {
        return Map.of("blocks", lagBlocks.get(), "seconds", lagSeconds.get(), "divergence", diverged());
    }

    @Override
    public void close() {
        producer.close();
    }
}
