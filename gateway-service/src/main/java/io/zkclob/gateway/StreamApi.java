package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.zkclob.gateway.ApiDocs.Refused;
import io.zkclob.gateway.ApiDocs.Signed;
import io.zkclob.gateway.ApiRecords.BookSnapshot;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live data over Server-Sent Events: one-way, plain HTTP (proxies and curl just work), and the browser's
 * EventSource reconnects by itself. Amounts here are integers in the assets' smallest units (as in the engine's
 * events); scales are in GET /api/v1/markets.
 */
@RestController
@RequestMapping("/api/v1")
class StreamApi {
    private final MarketStream stream;
    private final Backends backends;
    private final Signatures signatures;

    StreamApi(MarketStream stream, Backends backends, Signatures signatures) {
        this.stream = stream;
        this.backends = backends;
        this.signatures = signatures;
    }

    @Operation(summary = "Order book snapshot (integer units) with the seq it reflects: the resync point for the stream")
    @Refused(status = 404, codes = {"UNKNOWN_MARKET"})
    @GetMapping("/markets/{symbol}/book")
    @SuppressWarnings("unchecked")
    BookSnapshot book(@PathVariable String symbol, @RequestParam(defaultValue = "100") int levels) {
        Map<String, Object> s = stream.snapshot(backends.market(symbol).marketId(), Math.min(Math.max(levels, 1), 1_000));
        return new BookSnapshot(((Number) s.get("marketId")).intValue(), ((Number) s.get("seq")).longValue(),
                (List<long[]>) s.get("bids"), (List<long[]>) s.get("asks"));
    }

    @Operation(summary = "Live stream (SSE): events 'depth' {seq, prevSeq, bids, asks: changed levels [price, qty], qty 0 = gone},"
            + " 'trade', 'heartbeat' {seq} every 5 s", responses = @ApiResponse(responseCode = "200", description = "a Server-Sent Events stream",
            content = @Content(mediaType = "text/event-stream", schema = @Schema(implementation = ApiRecords.MarketStreamEvent.class))))
    @Refused(status = 404, codes = {"UNKNOWN_MARKET"})
    @GetMapping(value = "/stream/markets/{symbol}", produces = "text/event-stream")
    SseEmitter market(@PathVariable String symbol) {
        return stream.subscribe(backends.market(symbol).marketId(), null);
    }

    @Operation(summary = "Your own live stream (SSE, signed like REST): 'order', 'fill' and 'funds' events",
            responses = @ApiResponse(responseCode = "200", description = "a Server-Sent Events stream",
                    content = @Content(mediaType = "text/event-stream", schema = @Schema(implementation = ApiRecords.PrivateStreamEvent.class))))
    @Signed
    @GetMapping(value = "/stream/private", produces = "text/event-stream")
    SseEmitter mine(HttpServletRequest req) {
        String q = req.getQueryString();
        long accountId = signatures.authenticate(req.getHeader("X-Account-Id"), req.getHeader("X-Timestamp"),
                req.getHeader("X-Signature"), req.getMethod(), req.getRequestURI() + (q == null ? "" : "?" + q), new byte[0]);
        return stream.subscribe(null, accountId);
    }
}
