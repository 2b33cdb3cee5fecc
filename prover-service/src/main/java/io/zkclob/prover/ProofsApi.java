package io.zkclob.prover;

import io.zkclob.support.ApiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Proof status per block, proof metadata and download, the verifying key hash, and the proving lag. */
@RestController
@RequestMapping("/proofs")
class ProofsApi {
    private final JdbcClient jdbc;
    private final ZkPipeline pipeline;
    private final ProverCli cli;
    /** How long a request waits for the verifying key before it is told to retry (the gateway's clients wait on it). */
    static final long VKEY_WAIT_MS = 2_000;
    private final VerifyingKey vkey;

    ProofsApi(JdbcClient jdbc, ZkPipeline pipeline, ProverCli cli) {
        this.jdbc = jdbc;
        this.pipeline = pipeline;
        this.cli = cli;
        this.vkey = new VerifyingKey(() -> cli.vkey().get("vkey").asString(), java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    }

    @GetMapping("/blocks/{height}")
    Map<String, Object> block(@PathVariable long height) {
        return jdbc.sql("SELECT height, first_seq, last_seq, state_root, status, detail, range_id, proof_id FROM blocks WHERE height = ?")
                .param(height).query((rs, n) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("height", rs.getLong(1));
                    m.put("firstSeq", rs.getLong(2));
                    m.put("lastSeq", rs.getLong(3));
                    m.put("stateRoot", rs.getString(4));
                    m.put("status", rs.getString(5));
                    m.put("detail", rs.getString(6));
                    m.put("rangeId", rs.getObject(7));
                    m.put("proofId", rs.getObject(8));
                    return m;
                }).optional().orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "BLOCK_NOT_FOUND", "no block " + height));
    }

    @GetMapping("/{proofId}")
    Map<String, Object> proof(@PathVariable long proofId) {
        return jdbc.sql("SELECT proof_id, first_height, last_height, mode, size_bytes, prove_ms, vkey, public_values, created_at FROM proofs WHERE proof_id = ?")
                .param(proofId).query((rs, n) -> Map.<String, Object>of("proofId", rs.getLong(1), "firstHeight", rs.getLong(2),
                        "lastHeight", rs.getLong(3), "mode", rs.getString(4), "sizeBytes", rs.getLong(5), "proveMs", rs.getLong(6),
                        "vkey", rs.getString(7), "publicValues", rs.getString(8), "createdAt", rs.getString(9))).optional()
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "PROOF_NOT_FOUND", "no proof " + proofId));
    }

    @GetMapping("/{proofId}/download")
    ResponseEntity<byte[]> download(@PathVariable long proofId) throws java.io.IOException {
        var row = jdbc.sql("SELECT proof, path FROM proofs WHERE proof_id = ?").param(proofId)
                .query((rs, n) -> new Object[] {rs.getBytes(1), rs.getString(2)}).optional()
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "PROOF_NOT_FOUND", "no proof " + proofId));
        byte[] bytes = (byte[]) row[0];
        if (bytes == null) { // written by a version that kept proofs on the prover's disk
            if (row[1] == null || !Files.exists(Path.of((String) row[1]))) {
                throw new ApiException(HttpStatus.GONE, "PROOF_FILE_MISSING", "the proof file is gone");
            }
            bytes = Files.readAllBytes(Path.of((String) row[1]));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"proof-" + proofId + ".bin\"").body(bytes);
    }

    @GetMapping("/vkey")
    Map<String, Object> vkey() throws Exception {
        if (!cli.available()) throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "PROVER_UNAVAILABLE", "the prover CLI is not built");
        try {
            return Map.of("vkey", vkey.await(VKEY_WAIT_MS));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "VKEY_PENDING",
                    "the verifying key is being computed (an SP1 setup, about a minute once); retry");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "PROVER_UNAVAILABLE", "the verifying key could not be computed; retry");
        }
    }

    /** The guest program every proof is of: its ELF's SHA-256 and size, and where to download it (docs/zk.md). */
    record GuestProgram(String elfSha256, long elfBytes, String download, String vkeyAt, String rebuild) {}

    @GetMapping("/guest")
    GuestProgram guest() throws Exception {
        Path elf = guestElf();
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(elf));
        return new GuestProgram(java.util.HexFormat.of().formatHex(digest), Files.size(elf), "/api/v1/proofs/guest/elf",
                "/api/v1/proofs/vkey", "scripts/build-guest at the same commit, then sha256sum and zk-prover vkey (docs/zk.md)");
    }

    @GetMapping("/guest/elf")
    ResponseEntity<Resource> guestElfDownload() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"clob-guest.elf\"")
                .body(new FileSystemResource(guestElf()));
    }

    private Path guestElf() {
        Path elf = Path.of(cli.elfPath());
        if (!Files.isRegularFile(elf)) throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "PROVER_UNAVAILABLE", "the guest ELF is not built");
        return elf;
    }

    @GetMapping("/status")
    Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>(pipeline.lag());
        m.put("cliAvailable", cli.available());
        // Every status is named, 0 where no block has it: clients (the gateway's typed record among them) read a
        // fixed shape.
        for (String status : List.of("SEALED", "EXECUTED", "PROVING", "PROVEN", "FAILED")) m.put("blocks" + status, 0L);
        // How far the guest's execution is behind the sealed chain in time: what the oldest block not yet executed
        // (SEALED) has waited, 0 when there is none. A count of blocks alone does not say it, since blocks are sealed
        // faster under load (the benchmark reports both per step). Read in the same pass as the counts.
        m.put("executionLagSeconds", 0L);
        long nowMs = System.currentTimeMillis();
        jdbc.sql("SELECT status, COUNT(*), MIN(sealed_at_ms) FROM blocks GROUP BY status").query((rs, n) -> {
            String status = rs.getString(1);
            if (status.equals("SEALED")) m.put("executionLagSeconds", Math.max(0, (nowMs - rs.getLong(3)) / 1000));
            return m.put("blocks" + status, rs.getLong(2));
        }).list();
        return m;
    }

    /**
     * The operator's action after a divergence between the engine and the guest: the alert is durable and stops
     * proof publication across restarts until cleared here (internal; the gateway does not route it).
     */
    @RestController
    @RequestMapping("/internal/divergence")
    static class DivergenceAdmin {
        private final ZkPipeline pipeline;

        DivergenceAdmin(ZkPipeline pipeline) {
            this.pipeline = pipeline;
        }

        @GetMapping
        Map<String, Object> status() {
            return Map.of("divergence", pipeline.diverged());
        }

        @PostMapping("/clear")
        Map<String, Object> clear() {
            return Map.of("cleared", pipeline.clearDivergence(), "divergence", pipeline.diverged());
        }
    }
}
