package io.zkclob.prover;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The pipeline's state machine on a real PostgreSQL and a stand-in prover CLI: what survives a restart. */
class ZkPipelineTest {
    private static EmbeddedPostgres pg;
    private static DataSource ds;
    private static JdbcClient jdbc;
    @TempDir
    Path dir;
    /** The settings of the last {@link #pipeline} made. */
    private ProverProperties props;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.start();
        ds = pg.getPostgresDatabase();
        jdbc = JdbcClient.create(ds);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    @BeforeEach
    void freshSchema() {
        Flyway flyway = Flyway.configure().dataSource(ds).locations("classpath:db/migration/prover").cleanDisabled(false).load();
        flyway.clean();
        flyway.migrate();
    }

    /** A pipeline (a service start of replica "a") whose CLI answers every call with {@code json}. */
    private ZkPipeline pipeline(String json, boolean prove, int maxPendingProofs) throws Exception {
        return pipeline(json, prove, maxPendingProofs, "a");
    }

    /**
     * A replica whose stand-in CLI logs its arguments, keeps a copy of what it was asked to prove ({@code
     * last-input}), writes the proof file it is asked for, and answers {@code json}.
     */
    private ZkPipeline pipeline(String json, boolean prove, int maxPendingProofs, String replicaId) throws Exception {
        Path cli = dir.resolve("zk-prover");
        Files.writeString(cli, "#!/bin/sh\necho \"$@\" >> " + dir.resolve("calls.log") + "\n"
                + "if [ \"$1\" = prove ]; then cp \"$7\" " + dir.resolve("last-input") + "; echo proof > \"$9\"; fi\n"
                + "echo '" + json + "'\n");
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("guest.elf"), "elf");
        props = new ProverProperties(cli.toString(), dir.resolve("guest.elf").toString(), dir.toString(),
                25, 2_000, 2_000, true, prove, "compressed", maxPendingProofs, 10, replicaId, 60);
        ZkPipeline p = new ZkPipeline(props, new ProverCli(props), jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)),
                "127.0.0.1:1", new SimpleMeterRegistry(), replicaId, null);
        p.recover();
        return p;
    }

    /** A one-block range at {@code height} whose witness is the single byte {@code height}. */
    private void range(long height, String status) {
        long id = jdbc.sql("INSERT INTO ranges (first_height, last_height, witness, commands, status) VALUES (?, ?, ?, 1, ?)"
                + " RETURNING range_id").params(height, height, new byte[] {(byte) height}, status).query(Long.class).single();
        jdbc.sql("INSERT INTO blocks (height, first_seq, last_seq, state_root, commands_root, events_root, sealed_at_ms, status, range_id)"
                + " VALUES (?, 0, 0, 'r', 'c', 'e', 0, ?, ?)").params(height, status.equals("PENDING") ? "SEALED" : status, id).update();
    }

    private boolean hasWitness(long height) {
        return jdbc.sql("SELECT witness IS NOT NULL FROM ranges WHERE first_height = ?").param(height).query(Boolean.class).single();
    }

    private String status(long height) {
        return jdbc.sql("SELECT r.status FROM ranges r WHERE r.first_height = ?").param(height).query(String.class).single();
    }

    @Test
    void statusSaysHowLongTheOldestBlockNotYetExecutedHasWaited() throws Exception {
        ProofsApi api = new ProofsApi(jdbc, pipeline("{\"ok\":true}", false, 4), new ProverCli(props));
        assertEquals(0L, api.status().get("executionLagSeconds"), "no block: no lag");
        long now = System.currentTimeMillis();
        String insert = "INSERT INTO blocks (height, first_seq, last_seq, state_root, commands_root, events_root, sealed_at_ms, status)"
                + " VALUES (?, 0, 0, 'r', 'c', 'e', ?, ?)";
        jdbc.sql(insert).params(1, now - 600_000, "EXECUTED").update(); // older, but executed: not behind
        jdbc.sql(insert).params(2, now - 40_000, "SEALED").update();
        jdbc.sql(insert).params(3, now - 5_000, "SEALED").update();
        Map<String, Object> status = api.status();
        long lag = (Long) status.get("executionLagSeconds");
        assertTrue(lag >= 40 && lag < 600, "the oldest SEALED block's wait, not the executed one's: " + status);
        assertEquals(2L, status.get("blocksSEALED"));
        jdbc.sql("UPDATE blocks SET status = 'EXECUTED'").update();
        assertEquals(0L, api.status().get("executionLagSeconds"), "every block executed: " + api.status());
    }

    @Test
    void aRangeLeftProvingByACrashIsExecutedAgainAfterTheRestart() throws Exception {
        range(1, "PROVING");
        pipeline("{\"ok\":true}", false, 4);
        assertEquals("EXECUTED", status(1));
        assertEquals("EXECUTED", jdbc.sql("SELECT status FROM blocks WHERE height = 1").query(String.class).single());
    }

    @Test
    void aDivergenceSurvivesARestartUntilAnOperatorClearsIt() throws Exception {
        range(1, "PENDING");
        ZkPipeline first = pipeline("{\"ok\":false,\"error\":\"state root mismatch\"}", true, 4);
        first.executePending();
        assertEquals("FAILED", status(1));
        assertTrue(first.diverged());
        // a restart does not quietly resume: the next range is executed, but nothing is proven
        range(2, "PENDING");
        ZkPipeline restarted = pipeline("{\"ok\":true,\"cycles\":1}", true, 4);
        assertTrue(restarted.diverged());
        restarted.executePending();
        restarted.proveNext();
        assertEquals("EXECUTED", status(2));
        // until the operator clears it
        assertEquals(1L, restarted.clearDivergence().get("rangeId"));
        assertFalse(pipeline("{\"ok\":true}", true, 4).diverged());
    }

    @Test
    void everyRangeIsExecutedButOnlyMaxPendingProofsKeepTheirWitness() throws Exception {
        range(1, "PENDING");
        range(2, "PENDING");
        range(3, "PENDING");
        pipeline("{\"ok\":true,\"cycles\":7}", true, 2).executePending();
        assertEquals("EXECUTED", status(1));
        assertEquals("EXECUTED", status(2));
        assertEquals("UNPROVEN", status(3));
        assertTrue(hasWitness(1) && hasWitness(2));
        assertFalse(hasWitness(3));
        assertEquals(3, jdbc.sql("SELECT COUNT(*) FROM blocks WHERE status = 'EXECUTED'").query(Long.class).single());
    }

    private static final String PROVED = "{\"ok\":true,\"verified\":true,\"prove_ms\":1,\"vkey\":\"0xv\",\"public_values\":\"00\"}";

    @Test
    void rangesThatQueuedBehindAProofAreProvenTogetherWithinTheCycleBudget() throws Exception {
        for (long h = 1; h <= 3; h++) {
            range(h, "EXECUTED");
            jdbc.sql("UPDATE ranges SET cycles = 5 WHERE first_height = ?").param(h).update();
        }
        ZkPipeline p = pipeline(PROVED, true, 4); // a budget of 10 cycles: ranges 1 and 2 (5 + 5), then 3
        p.proveNext();
        assertEquals(List.of("PROVEN", "PROVEN", "EXECUTED"), List.of(status(1), status(2), status(3)));
        var proof = jdbc.sql("SELECT first_height, last_height, proof FROM proofs")
                .query((rs, n) -> List.of(rs.getLong(1), rs.getLong(2), new String(rs.getBytes(3)).trim())).single();
        assertEquals(List.of(1L, 2L, "proof"), proof); // the proof itself is in the database: any replica serves it
        assertEquals(2, jdbc.sql("SELECT COUNT(*) FROM blocks WHERE status = 'PROVEN' AND proof_id IS NOT NULL").query(Long.class).single());
        // One input: the chain of both witnesses; a proven range drops its witness.
        assertArrayEquals(io.zkclob.engine.Witness.chain(List.of(new byte[] {1}, new byte[] {2})), Files.readAllBytes(dir.resolve("last-input")));
        assertFalse(hasWitness(1) || hasWitness(2));
        p.proveNext();
        assertEquals("PROVEN", status(3));
        assertArrayEquals(new byte[] {3}, Files.readAllBytes(dir.resolve("last-input")));
    }

    @Test
    void aLiveReplicasClaimIsLeftAloneAndADeadOnesIsTakenOver() throws Exception {
        range(1, "EXECUTED");
        // Replica a claimed range 1 and is proving it (its lease runs): replica b leaves it alone.
        jdbc.sql("UPDATE ranges SET status = 'PROVING', claimed_by = 'a', claim_expires_at = now() + interval '1 minute'").update();
        ZkPipeline b = pipeline(PROVED, true, 4, "b");
        b.expireClaims();
        b.proveNext();
        assertEquals("PROVING", status(1));
        // Replica a dies: it stops renewing, the lease runs out, b takes the range and proves it.
        jdbc.sql("UPDATE ranges SET claim_expires_at = now() - interval '1 second'").update();
        b.expireClaims();
        assertEquals("EXECUTED", status(1));
        b.proveNext();
        assertEquals("PROVEN", status(1));
    }

    @Test
    void aRestartedReplicaReleasesItsOwnClaimsAtOnce() throws Exception {
        range(1, "EXECUTED");
        range(2, "EXECUTED");
        jdbc.sql("UPDATE ranges SET status = 'PROVING', claimed_by = 'a', claim_expires_at = now() + interval '1 minute' WHERE first_height = 1").update();
        jdbc.sql("UPDATE ranges SET status = 'PROVING', claimed_by = 'b', claim_expires_at = now() + interval '1 minute' WHERE first_height = 2").update();
        pipeline(PROVED, false, 4, "a"); // a starts again: its claim goes back, b's (alive) stays
        assertEquals(List.of("EXECUTED", "PROVING"), List.of(status(1), status(2)));
    }

    @Test
    void anSp1FailureIsRetriedAndOnlyARepeatedOneStopsPublication() throws Exception {
        range(1, "EXECUTED");
        ZkPipeline p = pipeline("{\"ok\":false,\"error\":\"proving failed: An unexpected error occurred: artifact not found\"}", true, 4);
        p.proveNext();
        assertEquals("EXECUTED", status(1)); // back in the queue, no divergence
        assertFalse(p.diverged());
        p.proveNext();
        assertEquals("EXECUTED", status(1));
        p.proveNext(); // the third failure of the same range is no longer taken for bad luck
        assertEquals("FAILED", status(1));
        assertTrue(p.diverged());
    }

    @Test
    void aSpanWhoseProofSp1RejectsIsProvenAgainWithTheNextRange() throws Exception {
        range(1, "EXECUTED");
        ZkPipeline p = pipeline(PROVED, true, 4);
        // The stand-in SP1 makes a proof of range 1 alone that its verifier rejects (as SP1 6.10 does with the
        // launcher's listing block, docs/zk.md) and proves any longer input.
        Files.writeString(dir.resolve("zk-prover"), "#!/bin/sh\n"
                + "if [ \"$1\" = prove ]; then cp \"$7\" " + dir.resolve("last-input") + ";"
                + " if [ $(wc -c < \"$7\") -le 1 ]; then echo '{\"ok\":false,\"error\":\"" + ZkPipeline.UNVERIFIABLE
                + ": Core machine verification error: invalid public values: global cumulative sum is not zero\"}'; exit 1; fi;"
                + " echo proof > \"$9\"; fi\n"
                + "echo '" + PROVED + "'\n");
        p.proveNext();
        assertEquals("EXECUTED", status(1)); // back in the queue: not a divergence, nothing published
        assertFalse(p.diverged());
        p.proveNext(); // range 2 is not executed yet: range 1 waits for it
        assertEquals("EXECUTED", status(1));
        range(2, "EXECUTED");
        p.proveNext();
        assertEquals(List.of("PROVEN", "PROVEN"), List.of(status(1), status(2)));
        assertArrayEquals(io.zkclob.engine.Witness.chain(List.of(new byte[] {1}, new byte[] {2})), Files.readAllBytes(dir.resolve("last-input")));
        assertFalse(p.diverged());
    }

    @Test
    void aRangeTheGuestRejectsStopsPublicationAtOnce() throws Exception {
        range(1, "EXECUTED");
        ZkPipeline p = pipeline("{\"ok\":false,\"error\":\"guest rejected the block range (exit code 1): nothing to prove\"}", true, 4);
        p.proveNext();
        assertEquals("FAILED", status(1));
        assertTrue(p.diverged());
    }
}
