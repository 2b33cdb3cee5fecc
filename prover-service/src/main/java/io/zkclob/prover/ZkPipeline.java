package io.zkclob.prover;

import io.micrometer.core.instrument.MeterRegistry;
import io.zkclob.contracts.Topics;
import io.zkclob.support.EventFeed;
import io.zkclob.support.EventFeed.Indexed;
import io.zkclob.contracts.Event.BlockSealed;
import io.zkclob.engine.Witness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * separate `verify` before it is stored and published. When ranges queue behind a proof, the next proof covers all
 * of them (a chain, up to {@code maxCyclesPerProof}), so every sealed block is covered eventually and the lag stays
 * bounded at a load the prover can follow. Lag is a metric and in the API.
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
        var producerProps = io.zkclob.support.KafkaClients.producerProps(bootstrap);
        // A proof is stored before it is announced; an unreachable broker must not hold the prover for a minute.
        producerProps.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        this.producer = new KafkaProducer<>(producerProps);
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

    /** An executed range waiting for its proof. */
    private record Queued(long rangeId, Path witness, long firstHeight, long lastHeight, long cycles) {}

    /**
     * The oldest executed range and the consecutive executed ranges after it, while their cycles together stay
     * within {@code maxCyclesPerProof} (always at least one): what queued while the prover was busy is proven in
     * one proof of a chain (docs/zk.md, ZKWC), so proving lag stays bounded instead of growing range by range.
     */
    private List<Queued> nextChain() {
        List<Queued> executed = jdbc.sql("SELECT range_id, witness_path, first_height, last_height, COALESCE(cycles, 0) FROM ranges"
                        + " WHERE status = 'EXECUTED' ORDER BY range_id LIMIT ?").param(Witness.MAX_CHAIN)
                .query((rs, n) -> new Queued(rs.getLong(1), Path.of(rs.getString(2)), rs.getLong(3), rs.getLong(4), rs.getLong(5))).list();
        List<Queued> chain = new ArrayList<>();
        long cycles = 0;
        for (Queued q : executed) {
            if (!chain.isEmpty()) {
                if (q.firstHeight() != chain.get(chain.size() - 1).lastHeight() + 1) break; // a gap: prove up to it
                if (cycles + q.cycles() > props.maxCyclesPerProof()) break;
            }
            chain.add(q);
            cycles += q.cycles();
        }
        return chain;
    }

    @Scheduled(fixedDelay = 2_000)
    void proveNext() {
        if (!props.proveEnabled() || diverged() || !cli.available()) return;
        List<Queued> chain = nextChain();
        if (chain.isEmpty()) return;
        long firstId = chain.get(0).rangeId();
        long lastId = chain.get(chain.size() - 1).rangeId();
        long first = chain.get(0).firstHeight();
        long last = chain.get(chain.size() - 1).lastHeight();
        Path proof = chain.get(0).witness().resolveSibling("range-" + first + "-" + last + "." + props.mode() + ".proof");
        setStatus(firstId, lastId, "PROVING");
        Path input = chain.get(0).witness();
        try {
            if (chain.size() > 1) {
                List<byte[]> witnesses = new ArrayList<>();
                for (Queued q : chain) witnesses.add(Files.readAllBytes(q.witness()));
                input = chain.get(0).witness().resolveSibling("chain-" + first + "-" + last + ".witness");
                Files.write(input, Witness.chain(witnesses));
            }
            JsonNode proved = cli.prove(input, proof);
            JsonNode verified = proved.path("ok").asBoolean(false) ? cli.verify(proof) : proved;
            if (!verified.path("ok").asBoolean(false) || !verified.path("verified").asBoolean(false)) {
                fail(firstId, "proof of blocks " + first + ".." + last + " failed or did not verify: " + verified.path("error").asString());
                return;
            }
            long sizeBytes = Files.size(proof);
            long proofId = tx.execute(s -> {
                long pid = jdbc.sql("INSERT INTO proofs (range_id, first_height, last_height, mode, path, size_bytes, prove_ms, vkey, public_values)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING proof_id")
                        .params(firstId, first, last, props.mode(), proof.toString(), sizeBytes,
                                proved.get("prove_ms").asLong(), proved.get("vkey").asString(), proved.get("public_values").asString())
                        .query(Long.class).single();
                jdbc.sql("UPDATE ranges SET status = 'PROVEN' WHERE range_id BETWEEN ? AND ? AND status = 'PROVING'").params(firstId, lastId).update();
                jdbc.sql("UPDATE blocks SET status = 'PROVEN', proof_id = ?, detail = ? WHERE height BETWEEN ? AND ?")
                        .params(pid, "proven by SP1 (" + props.mode() + ", blocks " + first + ".." + last + " in one proof), verified", first, last)
                        .update();
                return pid;
            });
            if (chain.size() > 1) Files.deleteIfExists(input); // the ranges' own witnesses stay with their rows
            producer.send(new ProducerRecord<>(Topics.PROOFS, String.valueOf(proofId), MessageJson.write(Map.of("proofId", proofId,
                    "firstHeight", first, "lastHeight", last, "mode", props.mode(), "vkey", proved.get("vkey").asString(),
                    "publicValues", proved.get("public_values").asString(), "sizeBytes", sizeBytes, "proveMs", proved.get("prove_ms").asLong()))));
            log.info("blocks {}..{} ({} range(s)): proven and verified ({} ms)", first, last, chain.size(), proved.get("prove_ms").asLong());
        } catch (Exception e) {
            log.warn("blocks {}..{}: proving interrupted: {}", first, last, e.getMessage());
            setStatus(firstId, lastId, "EXECUTED");
        }
    }

    /** Moves the chain's ranges (PROVING or EXECUTED ones between the two ids) and their blocks to {@code status}. */
    private void setStatus(long firstId, long lastId, String status) {
        tx.executeWithoutResult(s -> {
            jdbc.sql("UPDATE ranges SET status = ? WHERE range_id BETWEEN ? AND ? AND status IN ('EXECUTED', 'PROVING')")
                    .params(status, firstId, lastId).update();
            jdbc.sql("UPDATE blocks SET status = ? WHERE range_id BETWEEN ? AND ? AND status IN ('EXECUTED', 'PROVING')")
                    .params(status, firstId, lastId).update();
        });
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
