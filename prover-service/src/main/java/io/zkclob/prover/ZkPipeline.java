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
 * <p>Crash safety: each status transition is one transaction. Witnesses and proofs live in the database, so
 * several replicas can share the work: one (the holder of {@link LeaderLock}) cuts and executes ranges, and every
 * replica proves, claiming the ranges it proves for a lease it renews ({@code prover.claim-lease-seconds}); a
 * crashed replica's claims expire and another replica takes them, and a replica's restart releases its own
 * claims at once. A divergence is a row in the database that survives restarts and is cleared only by an
 * operator ({@link #clearDivergence}). At most {@code maxPendingProofs} executed ranges keep their witness for
 * proving; the others are still executed (every range is), marked UNPROVEN, and their witness dropped.
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
    private final String replicaId;
    private final LeaderLock leader;
    /** Operational prover failures per first range id (bounded: an entry goes when its range is proven or failed). */
    private final Map<Long, Integer> proveFailures = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * First range id -> the fewest ranges its next proof must span: SP1 6.10 produced a proof of that span that its
     * own verifier rejects although the guest executed it (docs/zk.md, "Known limit: the listing block"), so the span
     * is proven again together with the ranges after it. Bounded like {@link #proveFailures}.
     */
    private final Map<Long, Integer> spanAtLeast = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_PROVE_ATTEMPTS = 3;
    /** The CLI's answer when SP1 made a proof that SP1's verifier then rejects (zk-guest/prover). */
    static final String UNVERIFIABLE = "the fresh proof does not verify";

    /**
     * {@code replicaId} names this replica in its claims (stable across its restarts, distinct between replicas);
     * {@code leader} decides which replica cuts and executes ranges (null: this one always does).
     */
    ZkPipeline(ProverProperties props, ProverCli cli, JdbcClient jdbc, TransactionTemplate tx, String bootstrap, MeterRegistry meters,
               String replicaId, LeaderLock leader) {
        this.props = props;
        this.replicaId = replicaId;
        this.leader = leader;
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

    /**
     * At start: this replica's own claims (a crash left them PROVING), unclaimed PROVING rows of an older version,
     * and expired claims go back to EXECUTED, to be proven again; the alert is reloaded.
     */
    void recover() {
        int ranges = release("claimed_by IS NULL OR claimed_by = ? OR claim_expires_at < now()", replicaId);
        if (ranges > 0) log.warn("{} range(s) were PROVING when this replica stopped: back to EXECUTED", ranges);
        if (diverged()) log.error("a divergence is recorded: proof publication stays stopped until an operator clears it");
    }

    /** Every replica, periodically: a claim whose lease ran out (its replica died mid-proof) is free again. */
    @Scheduled(fixedDelay = 10_000)
    void expireClaims() {
        int ranges = release("claim_expires_at < now()");
        if (ranges > 0) log.warn("{} range(s) claimed by a replica that stopped renewing its lease: back to EXECUTED", ranges);
    }

    /** Keeps this replica's claims alive while it proves (a proof takes minutes; the lease is far shorter). */
    @Scheduled(fixedDelay = 10_000)
    void renewClaims() {
        jdbc.sql("UPDATE ranges SET claim_expires_at = now() + make_interval(secs => ?) WHERE claimed_by = ? AND status = 'PROVING'")
                .params(props.claimLeaseSeconds(), replicaId).update();
    }

    /** PROVING ranges matching {@code where} (and their blocks) back to EXECUTED, unclaimed. */
    private int release(String where, Object... params) {
        return tx.execute(s -> {
            List<Long> ids = jdbc.sql("UPDATE ranges SET status = 'EXECUTED', claimed_by = NULL, claim_expires_at = NULL"
                    + " WHERE status = 'PROVING' AND (" + where + ") RETURNING range_id").params(params).query(Long.class).list();
            for (long id : ids) {
                jdbc.sql("UPDATE blocks SET status = 'EXECUTED' WHERE range_id = ? AND status = 'PROVING'").param(id).update();
            }
            return ids.size();
        });
    }

    /** A range's witness: in the database (since V3), or in the file an older version wrote. */
    private byte[] witnessOf(long rangeId) throws java.io.IOException {
        var row = jdbc.sql("SELECT witness, witness_path FROM ranges WHERE range_id = ?").param(rangeId)
                .query((rs, n) -> new Object[] {rs.getBytes(1), rs.getString(2)}).single();
        if (row[0] != null) return (byte[]) row[0];
        if (row[1] != null && Files.exists(Path.of((String) row[1]))) return Files.readAllBytes(Path.of((String) row[1]));
        throw new java.io.IOException("range " + rangeId + ": its witness is gone");
    }

    /** A scratch file for the CLI, in the work directory. */
    private Path scratch(String prefix, byte[] bytes) throws java.io.IOException {
        Path dir = Path.of(props.workDir()).toAbsolutePath();
        Files.createDirectories(dir);
        Path f = Files.createTempFile(dir, prefix, ".witness");
        return Files.write(f, bytes);
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
        if (!props.executeEnabled() || !cli.available() || (leader != null && !leader.held())) return;
        for (int i = 0; i < 20; i++) { // a bound per tick; the next tick continues
            var id = jdbc.sql("SELECT range_id FROM ranges WHERE status = 'PENDING' ORDER BY range_id LIMIT 1").query(Long.class).optional();
            if (id.isEmpty()) return;
            Path input = null;
            try {
                input = scratch("range-" + id.get() + "-", witnessOf(id.get()));
                JsonNode r = cli.execute(input);
                if (r.path("ok").asBoolean(false)) {
                    executed(id.get(), r.get("cycles").asLong());
                } else {
                    fail(id.get(), "guest execution failed: " + r.path("error").asString());
                }
            } catch (Exception e) {
                log.warn("range {}: cannot run the prover CLI: {}", id.get(), e.getMessage());
                return;
            } finally {
                deleteQuietly(input);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            log.warn("cannot delete {}: {}", p, e.getMessage());
        }
    }

    /** Queues the range for proving while fewer than maxPendingProofs wait; else drops its witness. */
    private void executed(long id, long cycles) {
        tx.executeWithoutResult(s -> {
            long waiting = jdbc.sql("SELECT COUNT(*) FROM ranges WHERE status IN ('EXECUTED', 'PROVING')").query(Long.class).single();
            boolean prove = props.proveEnabled() && waiting < props.maxPendingProofs();
            jdbc.sql("UPDATE ranges SET status = ?, cycles = ?, detail = ?" + (prove ? "" : ", witness = NULL") + " WHERE range_id = ?")
                    .params(prove ? "EXECUTED" : "UNPROVEN", cycles, prove ? null
                            : "executed; not proven (proving off or " + waiting + " ranges already waiting)", id).update();
            jdbc.sql("UPDATE blocks SET status = 'EXECUTED', detail = 'executed in the SP1 guest (not proven)' WHERE range_id = ? AND status = 'SEALED'")
                    .param(id).update();
        });
    }

    private void fail(long rangeId, String why) {
        log.error("range {}: {} -- proof publication stopped (prover.divergence=1)", rangeId, why);
        tx.executeWithoutResult(s -> {
            jdbc.sql("UPDATE ranges SET status = 'FAILED', detail = ?, claimed_by = NULL, claim_expires_at = NULL WHERE range_id = ?")
                    .params(why, rangeId).update();
            jdbc.sql("UPDATE blocks SET status = 'FAILED', detail = ? WHERE range_id = ?").params(why, rangeId).update();
            jdbc.sql("INSERT INTO divergence (id, range_id, detail) VALUES (1, ?, ?) ON CONFLICT DO NOTHING").params(rangeId, why).update();
        });
        divergence.set(1);
    }

    /** An executed range waiting for its proof. */
    private record Queued(long rangeId, long firstHeight, long lastHeight, long cycles) {}

    /**
     * Claims the oldest executed range no other replica holds, and the consecutive executed ranges after it while
     * their cycles together stay within {@code maxCyclesPerProof} (always at least one): what queued while the
     * provers were busy is proven in one proof of a chain (docs/zk.md, ZKWC), so the lag stays bounded instead of
     * growing range by range. The claim (status PROVING, this replica, a lease) is taken under row locks that other
     * replicas skip, so two replicas never prove the same range while both are alive.
     */
    private List<Queued> claimChain() {
        return tx.execute(s -> {
            List<Queued> executed = jdbc.sql("SELECT range_id, first_height, last_height, COALESCE(cycles, 0) FROM ranges"
                            + " WHERE status = 'EXECUTED' ORDER BY range_id LIMIT ? FOR UPDATE SKIP LOCKED").param(Witness.MAX_CHAIN)
                    .query((rs, n) -> new Queued(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).list();
            List<Queued> chain = new ArrayList<>();
            int atLeast = executed.isEmpty() ? 1 : spanAtLeast.getOrDefault(executed.get(0).rangeId(), 1);
            long cycles = 0;
            for (Queued q : executed) {
                if (!chain.isEmpty()) {
                    if (q.firstHeight() != chain.get(chain.size() - 1).lastHeight() + 1) break; // a gap: prove up to it
                    if (chain.size() >= atLeast && cycles + q.cycles() > props.maxCyclesPerProof()) break;
                }
                chain.add(q);
                cycles += q.cycles();
            }
            // A span SP1 could not prove verifiably waits until the range after it has been executed.
            if (chain.size() < atLeast) return List.<Queued>of();
            for (Queued q : chain) {
                jdbc.sql("UPDATE ranges SET status = 'PROVING', claimed_by = ?, claim_expires_at = now() + make_interval(secs => ?)"
                        + " WHERE range_id = ?").params(replicaId, props.claimLeaseSeconds(), q.rangeId()).update();
                jdbc.sql("UPDATE blocks SET status = 'PROVING' WHERE range_id = ?").param(q.rangeId()).update();
            }
            return chain;
        });
    }

    @Scheduled(fixedDelay = 2_000)
    void proveNext() {
        if (!props.proveEnabled() || diverged() || !cli.available()) return;
        List<Queued> chain = claimChain();
        if (chain.isEmpty()) return;
        long firstId = chain.get(0).rangeId();
        long lastId = chain.get(chain.size() - 1).rangeId();
        long first = chain.get(0).firstHeight();
        long last = chain.get(chain.size() - 1).lastHeight();
        Path input = null;
        Path proof = null;
        try {
            List<byte[]> witnesses = new ArrayList<>();
            for (Queued q : chain) witnesses.add(witnessOf(q.rangeId()));
            input = scratch("blocks-" + first + "-" + last + "-", witnesses.size() == 1 ? witnesses.get(0) : Witness.chain(witnesses));
            proof = input.resolveSibling(input.getFileName() + "." + props.mode() + ".proof");
            JsonNode proved = cli.prove(input, proof);
            JsonNode verified = proved.path("ok").asBoolean(false) ? cli.verify(proof) : proved;
            if (!verified.path("ok").asBoolean(false) || !verified.path("verified").asBoolean(false)) {
                String error = verified.path("error").asString();
                // SP1 failing for a reason of its own (e.g. "artifact not found" from its in-memory artifact store,
                // seen once on 2 cores) is not a divergence: the range goes back and is retried, up to a bound.
                boolean operational = error.startsWith("proving failed") || error.startsWith("setup failed");
                // A proof SP1 made and then rejected, of a span the guest executed (the engine and the guest agree):
                // SP1 6.10 does this deterministically for some small executions, e.g. the launcher's listing block
                // alone (docs/zk.md). Nothing unverified is published; the span is proven again with the next range.
                boolean unverifiable = error.startsWith(UNVERIFIABLE);
                int attempt = proveFailures.merge(firstId, 1, Integer::sum);
                if (unverifiable && attempt < MAX_PROVE_ATTEMPTS) {
                    spanAtLeast.put(firstId, chain.size() + 1);
                    log.warn("blocks {}..{}: SP1's verifier rejects the proof SP1 made of them (attempt {} of {}); proving them"
                            + " again together with the next range: {}", first, last, attempt, MAX_PROVE_ATTEMPTS,
                            error.lines().findFirst().orElse(error));
                    release("claimed_by = ? AND range_id BETWEEN ? AND ?", replicaId, firstId, lastId);
                    return;
                }
                if (operational && attempt < MAX_PROVE_ATTEMPTS) {
                    log.warn("blocks {}..{}: the prover failed (attempt {} of {}), retrying: {}", first, last, attempt,
                            MAX_PROVE_ATTEMPTS, error.lines().findFirst().orElse(error));
                    release("claimed_by = ? AND range_id BETWEEN ? AND ?", replicaId, firstId, lastId);
                    return;
                }
                proveFailures.remove(firstId);
                spanAtLeast.remove(firstId);
                fail(firstId, "proof of blocks " + first + ".." + last + " failed or did not verify: " + error);
                release("claimed_by = ? AND range_id BETWEEN ? AND ?", replicaId, firstId, lastId); // the rest of the chain
                return;
            }
            proveFailures.remove(firstId);
            spanAtLeast.remove(firstId);
            byte[] proofBytes = Files.readAllBytes(proof);
            Long proofId = tx.execute(s -> {
                // Still ours? A replica that lost its lease (paused past it) must not publish a range another took.
                long mine = jdbc.sql("SELECT COUNT(*) FROM ranges WHERE range_id BETWEEN ? AND ? AND claimed_by = ? AND status = 'PROVING'")
                        .params(firstId, lastId, replicaId).query(Long.class).single();
                if (mine != chain.size()) return null;
                long pid = jdbc.sql("INSERT INTO proofs (range_id, first_height, last_height, mode, proof, size_bytes, prove_ms, vkey, public_values)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING proof_id")
                        .params(firstId, first, last, props.mode(), proofBytes, (long) proofBytes.length,
                                proved.get("prove_ms").asLong(), proved.get("vkey").asString(), proved.get("public_values").asString())
                        .query(Long.class).single();
                jdbc.sql("UPDATE ranges SET status = 'PROVEN', claimed_by = NULL, claim_expires_at = NULL, witness = NULL"
                        + " WHERE range_id BETWEEN ? AND ? AND claimed_by = ?").params(firstId, lastId, replicaId).update();
                jdbc.sql("UPDATE blocks SET status = 'PROVEN', proof_id = ?, detail = ? WHERE height BETWEEN ? AND ?")
                        .params(pid, "proven by SP1 (" + props.mode() + ", blocks " + first + ".." + last + " in one proof), verified", first, last)
                        .update();
                return pid;
            });
            if (proofId == null) {
                log.warn("blocks {}..{}: proven, but this replica's claim expired meanwhile: the proof is dropped", first, last);
                return;
            }
            producer.send(new ProducerRecord<>(Topics.PROOFS, String.valueOf(proofId), MessageJson.write(Map.of("proofId", proofId,
                    "firstHeight", first, "lastHeight", last, "mode", props.mode(), "vkey", proved.get("vkey").asString(),
                    "publicValues", proved.get("public_values").asString(), "sizeBytes", proofBytes.length, "proveMs", proved.get("prove_ms").asLong()))));
            log.info("blocks {}..{} ({} range(s)): proven and verified ({} ms) by {}", first, last, chain.size(),
                    proved.get("prove_ms").asLong(), replicaId);
        } catch (Exception e) {
            log.warn("blocks {}..{}: proving interrupted: {}", first, last, e.getMessage());
            release("claimed_by = ? AND range_id BETWEEN ? AND ?", replicaId, firstId, lastId);
        } finally {
            deleteQuietly(input);
            deleteQuietly(proof);
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
