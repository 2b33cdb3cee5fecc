package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Operation;
import io.zkclob.support.ApiException;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
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

    ProofsProxy(GatewayProperties props) {
        this.prover = RestClient.create(props.proverServiceUrl());
    }

    private Map<String, Object> get(String path, Object... vars) {
        try {
            return prover.get().uri(path, vars).retrieve().body(new ParameterizedTypeReference<Map<String, Object>>() {});
        } catch (HttpClientErrorException.NotFound e) {
            throw new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "not found");
        } catch (RestClientException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "PROVER_UNAVAILABLE", "prover-service is unavailable; retry");
        }
    }

    @Operation(summary = "Proof status of a block: SEALED, EXECUTED (in the SP1 guest, not proven), PROVING, PROVEN, FAILED")
    @GetMapping("/blocks/{height}")
    Map<String, Object> block(@PathVariable long height) {
        return get("/proofs/blocks/{h}", height);
    }

    @Operation(summary = "A proof's metadata: block range, mode, verifying key, public values")
    @GetMapping("/{proofId}")
    Map<String, Object> proof(@PathVariable long proofId) {
        return get("/proofs/{id}", proofId);
    }

    @Operation(summary = "Download a proof file; check it offline with `zk-prover verify --elf clob-guest.elf FILE`")
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
    @GetMapping("/vkey")
    Map<String, Object> vkey() {
        return get("/proofs/vkey");
    }

    @Operation(summary = "The guest program every proof is of: SHA-256 and size of its ELF, to compare with a rebuild (docs/zk.md)")
    @GetMapping("/guest")
    Map<String, Object> guest() {
        return get("/proofs/guest");
    }

    @Operation(summary = "Download the guest ELF; verify proofs with it: `zk-prover verify --elf clob-guest.elf PROOF`")
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
    @GetMapping("/status")
    Map<String, Object> status() {
        return get("/proofs/status");
    }
}
