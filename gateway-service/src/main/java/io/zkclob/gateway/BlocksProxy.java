package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.gateway.ApiDocs.Refused;
import io.zkclob.gateway.ApiRecords.Block;
import io.zkclob.support.ApiException;
import io.zkclob.support.ServiceToken;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The public block explorer, served by block-service. Bodies are read into the contracts' own records (a block
 * header, {@link Command}s, {@link Event.TradeExecuted}s), so the OpenAPI document shows what is served and a
 * change of shape upstream fails here rather than reaching clients.
 */
@RestController
@RequestMapping("/api/v1/blocks")
class BlocksProxy {
    /** block-service's page bound. */
    static final int MAX_BLOCKS_PAGE = 100;
    private static final TypeReference<List<Command>> COMMANDS = new TypeReference<>() {};
    private static final TypeReference<List<Event>> EVENTS = new TypeReference<>() {};
    private final RestClient blocks;

    BlocksProxy(GatewayProperties props, ServiceToken token) {
        this.blocks = token.client(props.blockServiceUrl());
    }

    private String get(String path, Object... vars) {
        try {
            return blocks.get().uri(path, vars).retrieve().body(String.class);
        } catch (HttpClientErrorException.NotFound e) {
            throw new ApiException(HttpStatus.NOT_FOUND, "BLOCK_NOT_FOUND", "no such block");
        } catch (HttpClientErrorException.BadRequest e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "from and to are heights, from <= to");
        } catch (RestClientException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "BLOCKS_UNAVAILABLE", "block-service is unavailable; retry");
        }
    }

    /** Headers may grow fields upstream; the explorer keeps serving the ones it documents. */
    private static final JsonMapper HEADERS = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private static <T> T read(String json, Class<T> type) {
        return HEADERS.readValue(json, type);
    }

    @Operation(summary = "The latest sealed block")
    @Refused(status = 404, codes = {"BLOCK_NOT_FOUND"})
    @Refused(status = 503, codes = {"BLOCKS_UNAVAILABLE"})
    @GetMapping("/latest")
    Block latest() {
        return read(get("/internal/blocks/latest"), Block.class);
    }

    @Operation(summary = "A block: height, sequence range, state/commands/events roots, previous hash, hash")
    @Refused(status = 404, codes = {"BLOCK_NOT_FOUND"})
    @Refused(status = 503, codes = {"BLOCKS_UNAVAILABLE"})
    @GetMapping("/{height}")
    Block block(@PathVariable long height) {
        return read(get("/internal/blocks/{h}", height), Block.class);
    }

    @Operation(summary = "Blocks in height order: from..to, or `limit` from `from` on, or without from the latest `limit`"
            + " (at most 100 a page; page on with from = the last height + 1)")
    @Refused(status = 404, codes = {"BLOCK_NOT_FOUND"})
    @Refused(status = 503, codes = {"BLOCKS_UNAVAILABLE"})
    @GetMapping
    List<Block> range(@RequestParam(required = false) @Schema(minimum = "0") Long from,
                      @RequestParam(required = false) @Schema(minimum = "0") Long to,
                      @RequestParam(defaultValue = "100") @Schema(minimum = "1", maximum = "100") int limit) {
        if (limit < 1 || limit > MAX_BLOCKS_PAGE) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "limit is 1 to " + MAX_BLOCKS_PAGE);
        }
        if ((from != null && from < 0) || (to != null && to < 0)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "from and to are heights, at least 0");
        }
        long first;
        long last;
        if (from != null) {
            first = from;
            long page = from > Long.MAX_VALUE - limit ? Long.MAX_VALUE : from + limit - 1; // no overflow near the top
            last = to != null ? Math.min(to, page) : page;
        } else {
            last = to != null ? to : latest().height();
            first = Math.max(1, last - limit + 1);
        }
        // from > to is an empty range, answered as one (the fuzzer found it refused with 400, which the schema cannot say).
        if (last < first) return List.of();
        return List.of(read(get("/internal/blocks?from={f}&to={t}", first, last), Block[].class));
    }

    @Operation(summary = "Every command of a block, in sequence order (cancels, deposits and withdrawals included), as the command"
            + " log holds them: a `type` and the command's fields (docs/topics.md)")
    @Refused(status = 404, codes = {"BLOCK_NOT_FOUND"})
    @Refused(status = 503, codes = {"BLOCKS_UNAVAILABLE"})
    @GetMapping("/{height}/commands")
    List<Command> commands(@PathVariable long height) {
        return MessageJson.MAPPER.readValue(get("/internal/blocks/{h}/commands", height), COMMANDS);
    }

    @Operation(summary = "The trades of a block, as the engine's TradeExecuted events (integer units)")
    @Refused(status = 404, codes = {"BLOCK_NOT_FOUND"})
    @Refused(status = 503, codes = {"BLOCKS_UNAVAILABLE"})
    @GetMapping("/{height}/trades")
    List<Event.TradeExecuted> trades(@PathVariable long height) {
        return MessageJson.MAPPER.readValue(get("/internal/blocks/{h}/trades", height), EVENTS).stream()
                .map(Event.TradeExecuted.class::cast).toList();
    }
}
