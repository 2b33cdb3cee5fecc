package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
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
    @GetMapping("/markets/{symbol}/book")
    Map<String, Object> book(@PathVariable String symbol, @RequestParam(defaultValue = "100") int levels) {
        return stream.snapshot(backends.market(symbol).marketId(), Math.min(Math.max(levels, 1), 1_000));
    }

    @Operation(summary = "Live stream (SSE): events 'depth' {seq, prevSeq, bids, asks: changed levels [price, qty], qty 0 = gone},"
            + " 'trade', 'heartbeat' {seq} every 5 s")
    @GetMapping(value = "/stream/markets/{symbol}", produces = "text/event-stream")
    SseEmitter market(@PathVariable String symbol) {
        return stream.subscribe(backends.market(symbol).marketId(), null);
    }

    @Operation(summary = "Your own live stream (SSE, signed like REST): 'order', 'fill' and 'funds' events")
    @GetMapping(value = "/stream/private", produces = "text/event-stream")
    SseEmitter mine(HttpServletRequest req) {
        String q = req.getQueryString();
        long accountId = signatures.authenticate(req.getHeader("X-Account-Id"), req.getHeader("X-Timestamp"),
                req.getHeader("X-Signature"), req.getMethod(), req.getRequestURI() + (q == null ? "" : "?" + q), new byte[0]);
        return stream.subscribe(null, accountId);
    }
}
