package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.zkclob.gateway.ApiDocs.Operator;
import io.zkclob.gateway.ApiDocs.Refused;
import io.zkclob.gateway.ApiRecords.Sequenced;
import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.AddAsset;
import io.zkclob.contracts.Command.AddMarket;
import io.zkclob.contracts.Command.Deposit;
import io.zkclob.support.ApiException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.*;

/**
 * Operator endpoints, authorised by X-Operator-Key: bridge credits (deposits, idempotent by externalId in
 * the engine) and listing assets and markets. In the embedded default the key is "dev-operator-key".
 */
@RestController
@RequestMapping("/api/v1/admin")
class AdminApi {
    @Schema(description = "A bridge deposit to credit")
    record DepositRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1") Long accountId,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "USDT") String asset,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "10000") String amount,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the bridge's id: credits once", example = "1001")
                          Long externalId) {}

    /** The engine's account ids (the gateway's sequence account_ids is bounded the same way, V4_1). */
    static final long MAX_ACCOUNT_ID = io.zkclob.engine.Exchange.MAX_ACCOUNT_ID;
    private final GatewayProperties props;
    private final Backends backends;
    private final CommandLog log;
    private final Signatures accounts;

    AdminApi(GatewayProperties props, Backends backends, CommandLog log, Signatures accounts) {
        this.props = props;
        this.backends = backends;
        this.log = log;
        this.accounts = accounts;
    }

    private void operator(String key) {
        boolean ok = key != null && MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8),
                props.operatorKey().getBytes(StandardCharsets.UTF_8));
        if (!ok) throw new ApiException(HttpStatus.FORBIDDEN, "NOT_OPERATOR", "a valid X-Operator-Key is required");
    }

    @Operation(summary = "Credit a bridge deposit (the same externalId credits once)", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = DepositRequest.class))),
            responses = @ApiResponse(responseCode = "202", description = "sequenced", useReturnTypeSchema = true))
    @Operator
    @Refused(status = 422, codes = {"INVALID_ACCOUNT", "UNKNOWN_ASSET", "INVALID_AMOUNT", "AMOUNT_OVERFLOW"})
    @PostMapping("/deposits")
    ResponseEntity<Sequenced> deposit(@Parameter(hidden = true) @RequestHeader(value = "X-Operator-Key", required = false) String key,
                                                @RequestBody byte[] body) {
        operator(key);
        DepositRequest r = TradingApi.parse(body, DepositRequest.class);
        if (r.accountId() == null || r.asset() == null || r.amount() == null || r.externalId() == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "accountId, asset, amount and externalId are required");
        }
        // A credit to an id nobody registered is funds nobody can ever spend or withdraw: refused before the log.
        if (r.accountId() < 1 || r.accountId() > MAX_ACCOUNT_ID || accounts.publicKey(r.accountId()).isEmpty()) {
            throw TradingApi.reject("INVALID_ACCOUNT", "no registered account " + r.accountId());
        }
        Map<String, Object> asset = backends.asset(r.asset())
                .orElseThrow(() -> TradingApi.reject("UNKNOWN_ASSET", "no asset " + r.asset()));
        long amount = Units.parse(r.amount(), ((Number) asset.get("scale")).intValue(), "amount", "INVALID_AMOUNT");
        if (amount <= 0) throw TradingApi.reject("INVALID_AMOUNT", "amount must be positive");
        long seq = log.append("deposit", new Deposit(Command.UNSEQUENCED, 0, r.accountId(),
                ((Number) asset.get("assetId")).intValue(), amount, r.externalId()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Sequenced(seq, "SEQUENCED"));
    }

    @Operation(summary = "Append an operator command as JSON (AddAsset, AddMarket, SetMarketStatus)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(mediaType = "application/json",
                    schema = @Schema(oneOf = {AddAsset.class, AddMarket.class, Command.SetMarketStatus.class}))),
            responses = @ApiResponse(responseCode = "202", description = "sequenced", useReturnTypeSchema = true))
    @Operator
    @PostMapping("/commands")
    ResponseEntity<Sequenced> command(@Parameter(hidden = true) @RequestHeader(value = "X-Operator-Key", required = false) String key,
                                                @RequestBody byte[] body) {
        operator(key);
        Command c;
        try {
            c = RequestJson.STRICT.readValue(RequestJson.utf8(body), Command.class);
        } catch (RuntimeException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "not a command: " + e.getMessage());
        }
        if (!(c instanceof AddAsset || c instanceof AddMarket || c instanceof Command.SetMarketStatus)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "only AddAsset, AddMarket and SetMarketStatus here");
        }
        requireEveryField(c);
        long seq = log.append("operator", c.sequenced(Command.UNSEQUENCED, 0));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Sequenced(seq, "SEQUENCED"));
    }

    /**
     * A command has no optional field: {@code "status": null} (or a symbol left out) was sequenced as a SetMarketStatus
     * without a status (the fuzzer; the reader refuses only missing primitives).
     */
    static void requireEveryField(Command c) {
        for (var component : c.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(c);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (value == null) throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", component.getName() + " is required");
        }
    }
}
