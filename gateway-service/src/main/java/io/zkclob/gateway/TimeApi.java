package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The server's clock: signed requests carry timestamps checked against it (X-Timestamp, Binance's timestamp). */
@RestController
class TimeApi {
    record ServerTime(long serverTime) {}

    @Operation(summary = "The server's clock in ms since the epoch (sign requests with timestamps near it)")
    @GetMapping("/api/v1/time")
    ServerTime time() {
        return new ServerTime(System.currentTimeMillis());
    }
}
