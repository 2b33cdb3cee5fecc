package io.zkclob.prover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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

    /** A pipeline (a service start) whose CLI answers every call with {@code json}. */
    private ZkPipeline pipeline(String json, boolean prove, int maxPendingProofs) throws Exception {
        Path cli = dir.resolve("zk-prover");
        Files.writeString(cli, "#!/bin/sh\necho \"$@\" >> " + dir.resolve("calls.log") + "\necho '" + json + "'\n");
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("guest.elf"), "elf");
        ProverProperties props = new ProverProperties(cli.toString(), dir.resolve("guest.elf").toString(), dir.toString(),
                25, 2_000, 2_000, true, prove, "compressed", maxPendingProofs, 10);
        ZkPipeline p = new ZkPipeline(props, new ProverCli(props), jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)),
                "127.0.0.1:1", new SimpleMeterRegistry());
        p.recover();
        return p;
    }

    private Path range(long height, String status) throws Exception {
        Path witness = Files.writeString(dir.resolve("range-" + height + ".bin"), "witness");
        long id = jdbc.sql("INSERT INTO ranges (first_height, last_height, witness_path, commands, status) VALUES (?, ?, ?, 1, ?)"
                + " RETURNING range_id").params(height, height, witness.toString(), status).query(Long.class).single();
        jdbc.sql("INSERT INTO blocks (height, first_seq, last_seq, state_root, commands_root, events_root, sealed_at_ms, status, range_id)"
                + " VALUES (?, 0, 0, 'r', 'c', 'e', 0, ?, ?)").params(height, status.equals("PENDING") ? "SEALED" : status, id).update();
        return witness;
    }

    private String status(long height) {
        return jdbc.sql("SELECT r.status FROM ranges r WHERE r.first_height = ?").param(height).query(String.class).single();
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
        Path w1 = range(1, "PENDING");
        Path w2 = range(2, "PENDING");
        Path w3 = range(3, "PENDING");
        pipeline("{\"ok\":true,\"cycles\":7}", true, 2).executePending();
        assertEquals("EXECUTED", status(1));
        assertEquals("EXECUTED", status(2));
        assertEquals("UNPROVEN", status(3));
        assertTrue(Files.exists(w1) && Files.exists(w2));
        assertFalse(Files.exists(w3));
        assertEquals(3, jdbc.sql("SELECT COUNT(*) FROM blocks WHERE status = 'EXECUTED'").query(Long.class).single());
    }

    @Test
    void rangesThatQueuedBehindAProofAreProvenTogetherWithinTheCycleBudget() throws Exception {
        for (long h = 1; h <= 3; h++) {
            Files.write(range(h, "EXECUTED"), new byte[] {(byte) h});
            jdbc.sql("UPDATE ranges SET cycles = 5 WHERE first_height = ?").param(h).update();
        }
        String proved = "{\"ok\":true,\"verified\":true,\"prove_ms\":1,\"vkey\":\"0xv\",\"public_values\":\"00\"}";
        ZkPipeline p = pipeline(proved, true, 4); // a budget of 10 cycles: ranges 1 and 2 (5 + 5), then 3
        for (String f : List.of("range-1-2.compressed.proof", "range-3-3.compressed.proof")) Files.writeString(dir.resolve(f), "proof");
        p.proveNext();
        assertEquals(List.of("PROVEN", "PROVEN", "EXECUTED"), List.of(status(1), status(2), status(3)));
        var proof = jdbc.sql("SELECT first_height, last_height FROM proofs").query((rs, n) -> List.of(rs.getLong(1), rs.getLong(2))).single();
        assertEquals(List.of(1L, 2L), proof);
        assertEquals(2, jdbc.sql("SELECT COUNT(*) FROM blocks WHERE status = 'PROVEN' AND proof_id IS NOT NULL").query(Long.class).single());
        String calls = Files.readString(dir.resolve("calls.log"));
        assertTrue(calls.contains("--input " + dir.resolve("chain-1-2.witness")), calls); // one input: the chain of both
        assertFalse(Files.exists(dir.resolve("chain-1-2.witness")), "the chain file is removed once proven");
        p.proveNext();
        assertEquals("PROVEN", status(3));
        assertTrue(Files.readString(dir.resolve("calls.log")).contains("--input " + dir.resolve("range-3.bin")));
    }
}
