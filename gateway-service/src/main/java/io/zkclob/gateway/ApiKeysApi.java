package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.zkclob.gateway.ApiDocs.Refused;
import io.zkclob.gateway.ApiDocs.Signed;
import io.zkclob.support.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.*;

/**
 * An account's API keys for the Binance-compatible API, managed through signed (Ed25519) /api/v1 requests: the
 * account's own key authorises them, an API key never does. The secret is in the creation answer only.
 */
@RestController
@RequestMapping("/api/v1/apiKeys")
class ApiKeysApi {
    @Schema(description = "A new API key: a label and its permissions (default READ and TRADE)")
    record CreateRequest(@Schema(example = "my bot", maxLength = 64) String label,
                         @ArraySchema(schema = @Schema(allowableValues = {"READ", "TRADE"})) List<String> permissions) {}

    @Schema(description = "The created key; the HMAC-SHA256 secret is shown here only")
    record Created(@Schema(example = "k3yAbc…") String apiKey, @Schema(example = "s3cr3t…") String secret, String label,
                   List<String> permissions, @Schema(example = "1795000000000") long createdAtMs) {}

    @Schema(description = "An API key without its secret")
    record KeyView(String apiKey, String label, List<String> permissions, long createdAtMs, @Schema(nullable = true) Long revokedAtMs,
                   boolean active) {}

    static final int MAX_LABEL_CHARS = 64;
    private final Signatures signatures;
    private final ApiKeys keys;

    ApiKeysApi(Signatures signatures, ApiKeys keys) {
        this.signatures = signatures;
        this.keys = keys;
    }

    private long auth(HttpServletRequest req, byte[] body) {
        String q = req.getQueryString();
        return signatures.authenticate(req.getHeader("X-Account-Id"), req.getHeader("X-Timestamp"), req.getHeader("X-Signature"),
                req.getMethod(), req.getRequestURI() + (q == null ? "" : "?" + q), body == null ? new byte[0] : body);
    }

    @Operation(summary = "Create an API key (signed): {label, permissions: [READ, TRADE]}; the HMAC secret is shown once",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = "application/json", schema = @Schema(implementation = CreateRequest.class))),
            responses = @ApiResponse(responseCode = "201", description = "created", useReturnTypeSchema = true))
    @Signed
    @Refused(status = 422, codes = {"TOO_MANY_API_KEYS"})
    @PostMapping
    ResponseEntity<Created> create(@RequestBody(required = false) byte[] body, HttpServletRequest req) {
        long accountId = auth(req, body);
        CreateRequest r = TradingApi.parse(body, CreateRequest.class);
        String label = r.label() == null ? "" : r.label();
        if (label.length() > MAX_LABEL_CHARS) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "label has at most " + MAX_LABEL_CHARS + " characters");
        }
        List<String> asked = r.permissions() == null || r.permissions().isEmpty() ? List.of("READ", "TRADE") : r.permissions();
        List<ApiKeys.Permission> permissions = new ArrayList<>();
        for (String p : asked) {
            ApiKeys.Permission parsed = TradingApi.parseEnum(ApiKeys.Permission.class, p, "permissions");
            if (!permissions.contains(parsed)) permissions.add(parsed);
        }
        ApiKey k = keys.create(accountId, label, permissions);
        return ResponseEntity.status(HttpStatus.CREATED).body(new Created(k.apiKey(), k.secret(), k.label(), permissions(k), k.createdAtMs()));
    }

    @Operation(summary = "Your API keys (signed), revoked ones included; never their secrets")
    @Signed
    @GetMapping
    List<KeyView> list(HttpServletRequest req) {
        long accountId = auth(req, null);
        return keys.list(accountId).stream().map(ApiKeysApi::view).toList();
    }

    @Operation(summary = "Revoke one of your API keys (signed): its next request is refused")
    @Signed
    @Refused(status = 404, codes = {"API_KEY_NOT_FOUND"})
    @DeleteMapping("/{apiKey}")
    KeyView revoke(@PathVariable String apiKey, HttpServletRequest req) {
        long accountId = auth(req, null);
        return view(keys.revoke(accountId, apiKey));
    }

    static KeyView view(ApiKey k) {
        return new KeyView(k.apiKey(), k.label(), permissions(k), k.createdAtMs(), k.revokedAtMs(), !k.revoked());
    }

    private static List<String> permissions(ApiKey k) {
        List<String> p = new ArrayList<>();
        if (k.canRead()) p.add("READ");
        if (k.canTrade()) p.add("TRADE");
        return p;
    }
}
