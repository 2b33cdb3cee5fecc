package io.zkclob.gateway;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The response bodies of /api/v1, as the OpenAPI document shows them. Amounts are decimal strings in the asset's
 * units (JSON numbers would lose precision in many clients); ids, sequence numbers and times are integers.
 * Request bodies live with their controllers ({@link TradingApi.OrderRequest} and the like).
 */
final class ApiRecords {
    private ApiRecords() {}

    /**
     * One Server-Sent Event of a stream, as a reader of {@code text/event-stream} sees it: its name and its JSON data
     * (schemathesis checks every event it reads against this).
     */
    @Schema(description = "One Server-Sent Event of a market stream: depth (changed levels), trade, heartbeat {seq} every 5 s")
    record MarketStreamEvent(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"depth", "trade", "heartbeat"})
                             String event,
                             @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the event's JSON object",
                                     example = "{\"seq\":1042}") String data) {}

    @Schema(description = "One Server-Sent Event of your own stream: order, fill, funds, heartbeat {seq} every 5 s")
    record PrivateStreamEvent(@Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                                      allowableValues = {"order", "fill", "funds", "heartbeat"}) String event,
                              @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the event's JSON object",
                                      example = "{\"seq\":1042}") String data) {}

    @Schema(description = "An account id: 201 when the key was registered now, 200 when it already was")
    record AccountCreated(@Schema(example = "1") long accountId) {}

    @Schema(description = "An asset and its scale: amounts of it have at most `scale` decimals")
    record Asset(@Schema(example = "2") int assetId, @Schema(example = "USDT") String symbol, @Schema(example = "6") int scale) {}

    @Schema(description = "A market and its rules")
    record Market(@Schema(example = "ETH-USDT") String symbol, @Schema(example = "1") int marketId,
                  @Schema(example = "ETH") String base, @Schema(example = "USDT") String quote,
                  @Schema(description = "decimals of base amounts (qty)", example = "8") int baseScale,
                  @Schema(description = "decimals of quote amounts (price, notional)", example = "6") int quoteScale,
                  @Schema(description = "prices are multiples of this", example = "0.01") String tickSize,
                  @Schema(description = "quantities are multiples of this", example = "0.001") String lotSize,
                  @Schema(description = "least price x qty of a limit order", example = "10") String minNotional,
                  @Schema(description = "maker fee in parts per million of the quote amount", example = "1000") int makerFeePpm,
                  @Schema(description = "taker fee in parts per million of the quote amount", example = "2000") int takerFeePpm,
                  @Schema(allowableValues = {"ACTIVE", "HALTED"}, example = "ACTIVE") String status) {}

    @Schema(description = "Aggregated price levels, best first: [price, qty]")
    record Depth(@Schema(example = "ETH-USDT") String market,
                 @Schema(description = "the last command reflected", example = "1042") long throughSeq,
                 @ArraySchema(arraySchema = @Schema(example = "[[\"2999.5\", \"1.25\"]]")) List<List<String>> bids,
                 @ArraySchema(arraySchema = @Schema(example = "[[\"3000.1\", \"0.4\"]]")) List<List<String>> asks) {}

    @Schema(description = "Order book snapshot in integer units (price in quote units, qty in base units), for the stream")
    record BookSnapshot(@Schema(example = "1") int marketId,
                        @Schema(description = "the last event applied; stream deltas follow it", example = "1042") long seq,
                        @ArraySchema(arraySchema = @Schema(description = "[priceUnits, qtyUnits], best first", example = "[[2999500000, 125000000]]")) List<long[]> bids,
                        @ArraySchema(arraySchema = @Schema(description = "[priceUnits, qtyUnits], best first", example = "[[3000100000, 40000000]]")) List<long[]> asks) {}

    @Schema(description = "A public trade from the trade tape")
    record PublicTrade(@Schema(description = "the tape's id, increasing in log order; page with fromId", example = "17") long tradeId,
                       @Schema(description = "the command that executed it", example = "1040") long seq,
                       @Schema(example = "3000") String price, @Schema(example = "0.5") String qty,
                       @Schema(description = "price x qty in quote", example = "1500") String quoteQty,
                       @Schema(allowableValues = {"BUY", "SELL"}) String takerSide,
                       @Schema(description = "when the engine logged it, ms since the epoch", example = "1795000000000") long timeMs) {}

    @Schema(description = "One of your fills")
    record MyTrade(@Schema(example = "17") long tradeId, @Schema(example = "1040") long seq, @Schema(example = "1040") long orderId,
                   @Schema(example = "ETH-USDT") String market, @Schema(allowableValues = {"MAKER", "TAKER"}) String role,
                   @Schema(allowableValues = {"BUY", "SELL"}) String side, @Schema(example = "3000") String price,
                   @Schema(example = "0.5") String qty, @Schema(example = "1500") String quoteQty,
                   @Schema(description = "fee paid, in feeAsset", example = "3") String fee, @Schema(example = "USDT") String feeAsset,
                   @Schema(example = "1795000000000") long timeMs) {}

    @Schema(description = "An order the log took. Its fate follows in GET /orders/{orderId}")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record OrderAck(@Schema(description = "= its seq in the command log", example = "1040") long orderId,
                    @Schema(description = "0 when none was given", example = "7") long clientOrderId,
                    @Schema(allowableValues = {"SEQUENCED"}) String status,
                    @Schema(description = "true: this clientOrderId already named an order; orderId is that order", nullable = true)
                    Boolean duplicate) {}

    @Schema(description = "The result of one order of a batch: an acknowledgement (httpStatus 202) or a refusal")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BatchItem(@Schema(example = "202") int httpStatus, @Schema(nullable = true) Long orderId, @Schema(nullable = true) Long clientOrderId,
                     @Schema(nullable = true, allowableValues = {"SEQUENCED"}) String status, @Schema(nullable = true) Boolean duplicate,
                     @Schema(nullable = true, example = "INSUFFICIENT_FUNDS") String code, @Schema(nullable = true) String detail) {}

    @Schema(description = "Results in the order of the request's orders")
    record BatchAck(List<BatchItem> results) {}

    @Schema(description = "One of your orders")
    record Order(@Schema(example = "1040") long orderId, @Schema(example = "1") long accountId,
                 @Schema(example = "ETH-USDT") String market, @Schema(example = "1") int marketId,
                 @Schema(example = "7") long clientOrderId,
                 @Schema(allowableValues = {"BUY", "SELL"}, nullable = true) String side,
                 @Schema(allowableValues = {"LIMIT", "MARKET"}, nullable = true) String orderType,
                 @Schema(allowableValues = {"GTC", "IOC", "FOK", "POST_ONLY"}, nullable = true) String tif,
                 @Schema(nullable = true, example = "3000") String price, @Schema(nullable = true, example = "0.5") String qty,
                 @Schema(nullable = true, example = "0") String quoteQty, @Schema(example = "0.5") String filledQty,
                 @Schema(example = "1500") String filledQuote, @Schema(example = "3") String feesPaid,
                 @Schema(allowableValues = {"OPEN", "PARTIALLY_FILLED", "FILLED", "CANCELED", "REJECTED"}) String status,
                 @Schema(nullable = true, example = "INSUFFICIENT_FUNDS") String rejectCode,
                 @Schema(nullable = true, example = "USER") String cancelReason,
                 @Schema(description = "the last command that changed it", example = "1041") long updatedSeq,
                 @Schema(description = "when the engine logged its acceptance (or rejection), ms since the epoch; null for orders"
                         + " projected before times were kept", nullable = true, example = "1795000000000") Long createdAtMs,
                 @Schema(description = "when the engine logged its last change (fill, cancel)", nullable = true, example = "1795000000500")
                 Long updatedAtMs) {}

    @Schema(description = "A cancel the log took; the engine's verdict shows in the order")
    record CancelAck(@Schema(example = "1040") long orderId, @Schema(example = "1050") long seq,
                     @Schema(allowableValues = {"CANCEL_SEQUENCED"}) String status) {}

    @Schema(description = "A cancel-all the log took")
    record CancelAllAck(@Schema(example = "1050") long seq, @Schema(allowableValues = {"CANCEL_ALL_SEQUENCED"}) String status) {}

    @Schema(description = "A command the log took (a withdrawal, a deposit, an operator command)")
    record Sequenced(@Schema(example = "1050") long seq, @Schema(allowableValues = {"SEQUENCED"}) String status) {}

    @Schema(description = "A balance: available to trade or withdraw, and locked by open orders")
    record Balance(@Schema(example = "USDT") String asset, @Schema(example = "8497") String available, @Schema(example = "0") String locked) {}

    // ------------------------------------------------------------------ blocks and proofs

    @Schema(description = "A sealed block header")
    @JsonIgnoreProperties(ignoreUnknown = true) // read from a backend that may grow fields
    record Block(@Schema(example = "3") long height, @Schema(example = "101") long firstSeq, @Schema(example = "150") long lastSeq,
                 @Schema(example = "50") int commandCount, @Schema(example = "77") int eventCount,
                 @Schema(description = "hex SHA-256", example = "9f2c…") String stateRoot, @Schema(example = "4a1b…") String commandsRoot,
                 @Schema(example = "c0de…") String eventsRoot, @Schema(example = "77aa…") String prevHash, @Schema(example = "e3b0…") String hash,
                 @Schema(description = "when it was sealed, ms since the epoch", example = "1795000000000") long timestampMs) {}

    @Schema(description = "A block's proving status")
    @JsonIgnoreProperties(ignoreUnknown = true) // read from a backend that may grow fields
    record BlockProof(@Schema(example = "3") long height, @Schema(example = "101") long firstSeq, @Schema(example = "150") long lastSeq,
                      @Schema(example = "9f2c…") String stateRoot,
                      @Schema(allowableValues = {"SEALED", "EXECUTED", "PROVING", "PROVEN", "FAILED"}) String status,
                      @Schema(nullable = true) String detail, @Schema(nullable = true) Long rangeId, @Schema(nullable = true) Long proofId) {}

    @Schema(description = "A verified proof's metadata")
    @JsonIgnoreProperties(ignoreUnknown = true) // read from a backend that may grow fields
    record Proof(@Schema(example = "1") long proofId, @Schema(example = "1") long firstHeight, @Schema(example = "4") long lastHeight,
                 @Schema(allowableValues = {"core", "compressed"}) String mode, long sizeBytes, long proveMs,
                 @Schema(description = "verifying key hash") String vkey, @Schema(description = "hex public values") String publicValues,
                 @Schema(description = "ISO-8601 time of creation") String createdAt) {}

    @Schema(description = "The guest program's verifying key hash")
    @JsonIgnoreProperties(ignoreUnknown = true) // read from a backend that may grow fields
    record VerifyingKey(@Schema(example = "0x00a1…") String vkey) {}

    @Schema(description = "The guest program every proof is of")
    @JsonIgnoreProperties(ignoreUnknown = true) // read from a backend that may grow fields
    record GuestProgram(String elfSha256, long elfBytes, String download, String vkeyAt, String rebuild) {}

    @Schema(description = "Proving lag, the divergence alarm, and the number of blocks per status")
    @JsonIgnoreProperties(ignoreUnknown = true) // read from a backend that may grow fields
    record ProvingStatus(@Schema(description = "blocks sealed but not yet proven") long blocks,
                         @Schema(description = "seconds the oldest unproven block waits") long seconds,
                         @Schema(description = "the guest disagreed with the engine: publication stopped") boolean divergence,
                         boolean cliAvailable,
                         @JsonProperty("blocksSEALED") long blocksSealed, @JsonProperty("blocksEXECUTED") long blocksExecuted,
                         @JsonProperty("blocksPROVING") long blocksProving, @JsonProperty("blocksPROVEN") long blocksProven,
                         @JsonProperty("blocksFAILED") long blocksFailed,
                         @Schema(description = "seconds the oldest block not yet executed in the guest waits (0: none)") long executionLagSeconds) {}
}
