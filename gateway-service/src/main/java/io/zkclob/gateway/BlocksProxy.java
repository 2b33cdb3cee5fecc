package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Operation;
import io.zkclob.support.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/** The public block explorer, served by block-service. */
@RestController
@RequestMapping("/api/v1/blocks")
class BlocksProxy {
    private final RestClient blocks;

    BlocksProxy(GatewayProperties props) {
        this.blocks = RestClient.create(props.blockServiceUrl());
    }

    private ResponseEntity<String> get(String path, Object... vars) {
        try {
            String body = blocks.get().uri(path, vars).retrieve().body(String.class);
            return ResponseEntity.ok().header("Content-Type", "application/json").body(body);
        } catch (HttpClientErrorException.NotFound e) {
            throw new ApiException(HttpStatus.NOT_FOUND, "BLOCK_NOT_FOUND", "no such block");
        } catch (HttpClientErrorException.BadRequest e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "from and to are heights, from <= to");
        } catch (RestClientException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "BLOCKS_UNAVAILABLE", "block-service is unavailable; retry");
        }
    }

    @Operation(summary = "The latest sealed block")
    @GetMapping("/latest")
    ResponseEntity<String> latest() {
        return get("/internal/blocks/latest");
    }

    @Operation(summary = "A block: height, sequence range, state/commands/events roots, previous hash, hash")
    @GetMapping("/{height}")
    ResponseEntity<String> block(@PathVariable long height) {
        return get("/internal/blocks/{h}", height);
    }

    @Operation(summary = "Blocks from..to (at most 100)")
    @GetMapping
    ResponseEntity<String> range(@RequestParam long from, @RequestParam long to) {
        return get("/internal/blocks?from={f}&to={t}", from, to);
    }

    @Operation(summary = "Every command of a block, in sequence order (cancels, deposits and withdrawals included)")
    @GetMapping("/{height}/commands")
    ResponseEntity<String> commands(@PathVariable long height) {
        return get("/internal/blocks/{h}/commands", height);
    }

    @Operation(summary = "The trades of a block")
    @GetMapping("/{height}/trades")
    ResponseEntity<String> trades(@PathVariable long height) {
        return get("/internal/blocks/{h}/trades", height);
    }
}
