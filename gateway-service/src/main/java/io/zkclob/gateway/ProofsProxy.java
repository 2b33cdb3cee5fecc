package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.zkclob.gateway.ApiDocs.Refused;
import io.zkclob.gateway.ApiRecords.BlockProof;
import io.zkclob.gateway.ApiRecords.GuestProgram;
import io.zkclob.gateway.ApiRecords.Proof;
import io.zkclob.gateway.ApiRecords.ProvingStatus;
import io.zkclob.gateway.ApiRecords.VerifyingKey;
import io.zkclob.support.ApiException;
import io.zkclob.support.ServiceToken;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/** Public, read-only proof endpoints, served by prover-service: anyone may fetch and verify a proof. */
@RestController
@RequestMapping("/api/v1/proofs")
class ProofsProxy {
    private final RestClient prover;

    ProofsProxy(GatewayProperties props, ServiceToken token) {
        this.prover = token.client(props.proverServiceUrl());
    }

    private <T> T get(Class<T> type, String path, Object... vars) {
        try {
            return prover.get().uri(path, vars).retrieve().body(type);
        } catch (HttpClientErrorException.NotFound e) {
            throw new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "not found");
        } catch (RestClientException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "PROVER_UNAVAILABLE", "prover-service is unavailable; retry");
        }
    }

    @Operation(summary = "Proof status of a block: SEALED, EXECUTED (in the SP1 guest, not proven), PROVING, PROVEN, FAILED")
    @Refused(status = 404, codes = {"NOT_FOUND"})
    @Refused(status = 503, codes = {"PROVER_UNAVAILABLE"})
    @GetMapping("/blocks/{height}")
    BlockProof block(@PathVariable long height) {
        return get(BlockProof.class, "/proofs/blocks/{h}", height);
    }

    @Operation(summary = "A proof's metadata: block range, mode, verifying key, public values")
    @Refused(status = 404, codes = {"NOT_FOUND"})
    @Refused(status = 503, codes = {"PROVER_UNAVAILABLE"})
    @GetMapping("/{proofId}")
    Proof proof(@PathVariable long proofId) {
        return get(Proof.class, "/proofs/{id}", proofId);
    }

    @Operation(summary = "Download a proof file; check it offline with `zk-prover verify --elf clob-guest.elf FILE`",
            responses = @ApiResponse(responseCode = "200", description = "the proof file",
                    content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary"))))
    @Refused(status = 404, codes = {"PROOF_NOT_FOUND"})
    @Refused(status = 503, codes = {"PROVER_UNAVAILABLE"})
    @GetMapping("/{proofId}/download")
    ResponseEntity<byte[]> download(@PathVariable long proofId) {
        try {
            byte[] body = prover.get().uri("/proofs/{id}/download", proofId).retrieve().body(byte[].class);
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"proof-" + proofId + ".bin\"").body(body);
        } catch (HttpClientErrorException.NotFound e) {
            throw new ApiException(HttpStatus.NOT_FOUND, "PROOF_NOT_FOUND", "no proof " + proofId);
        } catch (RestClientException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "PROVER_UNAVAILABLE", "prover-service is unavailable; retry");
        }
    }

    @Operation(summary = "The verifying key hash of the guest program")
    @Refused(status = 503, codes = {"PROVER_UNAVAILABLE"})
    @GetMapping("/vkey")
    VerifyingKey vkey() {
        return get(VerifyingKey.class, "/proofs/vkey");
    }

    @Operation(summary = "The guest program every proof is of: SHA-256 and size of its ELF, to compare with a rebuild (docs/zk.md)")
    @Refused(status = 503, codes = {"PROVER_UNAVAILABLE"})
    @GetMapping("/guest")
    GuestProgram guest() {
        return get(GuestProgram.class, "/proofs/guest");
    }

    @Operation(summary = "Download the guest ELF; verify proofs with it: `zk-prover verify --elf clob-guest.elf PROOF`",
            responses = @ApiResponse(responseCode = "200", description = "the guest ELF",
                    content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary"))))
    @Refused(status = 503, codes = {"PROVER_UNAVAILABLE"})
    @GetMapping("/guest/elf")
    ResponseEntity<byte[]> guestElf() {
        try {
            byte[] body = prover.get().uri("/proofs/guest/elf").retrieve().body(byte[].class);
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"clob-guest.elf\"").body(body);
        } catch (RestClientException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "PROVER_UNAVAILABLE", "prover-service is unavailable; retry");
        }
    }

    @Operation(summary = "Proving lag (blocks and seconds behind), divergence alarm, blocks per status")
    @Refused(status = 503, codes = {"PROVER_UNAVAILABLE"})
    @GetMapping("/status")
    ProvingStatus status() {
        // prover-service writes a count only for the statuses some block has: read as a map, absent counts are 0.
        Map<?, ?> m = get(Map.class, "/proofs/status");
        return new ProvingStatus(count(m, "blocks"), count(m, "seconds"), Boolean.TRUE.equals(m.get("divergence")),
                Boolean.TRUE.equals(m.get("cliAvailable")), count(m, "blocksSEALED"), count(m, "blocksEXECUTED"), count(m, "blocksPROVING"),
                count(m, "blocksPROVEN"), count(m, "blocksFAILED"), count(m, "executionLagSeconds"));
    }

    private static long count(Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : 0;
    }
}
