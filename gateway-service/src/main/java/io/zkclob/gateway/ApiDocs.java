package io.zkclob.gateway;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.method.HandlerMethod;

/**
 * The OpenAPI document's shared parts: the signing scheme as security schemes, the problem+json error schema, and
 * every refusal an /api/v1 operation really answers. Controllers name their own refusals with {@link Refused};
 * those every operation shares (400, 406, 429, 503; 401 when {@link Signed}; 413 and 415 with a body) are added here,
 * so that a new endpoint is documented the same way without repeating them.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {
    /** A signed /api/v1 request (X-Account-Id, X-Timestamp, X-Signature; docs/api.md "Signing"). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface Signed {}

    /** A Binance-style signed request (X-MBX-APIKEY, and an HMAC-SHA256 signature over the parameters). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface ApiKeySigned {}

    /** An operator request (X-Operator-Key). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface Operator {}

    /** A refusal an operation answers, beyond the shared ones: its status and the stable codes it carries. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Repeatable(Refusals.class)
    @interface Refused {
        int status();

        String[] codes();
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface Refusals {
        Refused[] value();
    }

    static final String PROBLEM = "Problem";
    static final String BINANCE_ERROR = "BinanceError";
    static final String BINANCE_KEY_HEADER = "binanceApiKey";
    static final String PROBLEM_JSON = "application/problem+json";
    static final String ACCOUNT_HEADER = "accountId";
    static final String TIMESTAMP_HEADER = "timestamp";
    static final String SIGNATURE_HEADER = "signature";
    static final String OPERATOR_HEADER = "operatorKey";

    @Bean
    OpenAPI gatewayOpenApi() {
        return new OpenAPI()
                .info(new Info().title("zkclob gateway").version("v1").description("""
                        The public API of a ZK-proven central limit order book. Amounts are decimal strings in the \
                        asset's units (scales in GET /api/v1/assets and /markets). Private endpoints are signed: \
                        X-Account-Id, X-Timestamp (ms, within the signature window of the server's clock, GET \
                        /api/v1/time) and X-Signature = base64(Ed25519(timestamp + "\\n" + METHOD + "\\n" + \
                        path?query + "\\n" + body)) (docs/api.md). Errors are problem+json with a stable `code`."""))
                .components(new Components()
                        .addSecuritySchemes(ACCOUNT_HEADER, header("X-Account-Id", "The account id that signs"))
                        .addSecuritySchemes(TIMESTAMP_HEADER, header("X-Timestamp", "Milliseconds since the epoch, near the server's clock"))
                        .addSecuritySchemes(SIGNATURE_HEADER, header("X-Signature",
                                "base64 Ed25519 signature of timestamp\\nMETHOD\\npath?query\\nbody with the account's key"))
                        .addSecuritySchemes(OPERATOR_HEADER, header("X-Operator-Key", "The operator's key (bridge credits, listings)"))
                        .addSecuritySchemes(BINANCE_KEY_HEADER, header("X-MBX-APIKEY",
                                "An API key (POST /api/v1/apiKeys); the parameters carry timestamp and signature = hex HMAC-SHA256 with its secret"))
                        .addSchemas(PROBLEM, problemSchema())
                        .addSchemas(BINANCE_ERROR, new ObjectSchema().description("Binance's error body: a negative code and a message")
                                .addProperty("code", new IntegerSchema().example(-1121))
                                .addProperty("msg", new StringSchema().example("Invalid symbol."))
                                .required(List.of("code", "msg"))));
    }

    private static SecurityScheme header(String name, String description) {
        return new SecurityScheme().type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name(name).description(description);
    }

    @SuppressWarnings("rawtypes")
    private static Schema<?> problemSchema() {
        Map<String, Schema> p = new java.util.LinkedHashMap<>();
        p.put("type", new StringSchema().format("uri").example("https://zkclob.io/errors/insufficient-funds"));
        p.put("title", new StringSchema().example("INSUFFICIENT_FUNDS"));
        p.put("status", new IntegerSchema().example(422));
        p.put("detail", new StringSchema().example("available USDT does not cover the hold"));
        p.put("instance", new StringSchema().format("uri-reference").example("/api/v1/orders"));
        p.put("code", new StringSchema().description("stable, machine-readable; switch on this").example("INSUFFICIENT_FUNDS"));
        return new ObjectSchema().description("RFC 9457 problem details with a stable code").properties(p)
                .required(List.of("status", "code"));
    }

    /** Shared refusals, security and the documented refusals of each /api/v1 operation. */
    @Bean
    OperationCustomizer refusals() {
        return (operation, handler) -> {
            if (handler.getBeanType() == BinanceApi.class) return binanceRefusals(operation, handler);
            Map<Integer, LinkedHashSet<String>> codes = new TreeMap<>();
            add(codes, 400, "MALFORMED_REQUEST");
            add(codes, 406, "NOT_ACCEPTABLE"); // an Accept header that excludes JSON
            add(codes, 429, RateLimits.CODE);
            add(codes, 503, "UNAVAILABLE", "BACKEND_UNAVAILABLE");
            if (operation.getRequestBody() != null) {
                add(codes, 413, "PAYLOAD_TOO_LARGE");
                add(codes, 415, "UNSUPPORTED_MEDIA_TYPE");
            }
            if (handler.hasMethodAnnotation(Signed.class)) {
                operation.addSecurityItem(new SecurityRequirement().addList(ACCOUNT_HEADER).addList(TIMESTAMP_HEADER).addList(SIGNATURE_HEADER));
                add(codes, 429, "TOO_MANY_REQUESTS"); // the replay guard's bound on one account's signatures in flight
                add(codes, 401, "MISSING_SIGNATURE", "BAD_SIGNATURE", "NON_CANONICAL_SIGNATURE", "STALE_REQUEST", "REPLAYED_REQUEST",
                        "UNKNOWN_ACCOUNT");
            }
            if (handler.hasMethodAnnotation(Operator.class)) {
                operation.addSecurityItem(new SecurityRequirement().addList(OPERATOR_HEADER));
                add(codes, 403, "NOT_OPERATOR");
            }
            for (Refused r : refusedOf(handler)) add(codes, r.status(), r.codes());
            allowEmptyNumbers(operation);
            ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
            for (var e : codes.entrySet()) {
                responses.addApiResponse(String.valueOf(e.getKey()), problem(e.getKey(), e.getValue()));
            }
            operation.setResponses(responses);
            return operation;
        };
    }

    /**
     * /api/v3 answers as Binance does, {@code {code, msg}} (BinanceErrors): 400 for any parameter problem (an unknown
     * symbol included, -1121), 401 for keys and signatures, 429 -1003, 503 -1001. Undocumented, the fuzzer counted
     * every one of them as an undocumented status.
     */
    /**
     * {@code ?fromId=} is read as leaving fromId out (Spring's conversion of an empty value to a number or boolean): the
     * document says so for optional query parameters that are not strings (the fuzzer sent it, and it was taken).
     */
    private static void allowEmptyNumbers(io.swagger.v3.oas.models.Operation operation) {
        if (operation.getParameters() == null) return;
        for (var p : operation.getParameters()) {
            if (!"query".equals(p.getIn()) || Boolean.TRUE.equals(p.getRequired()) || p.getSchema() == null) continue;
            java.util.Set<String> types = new java.util.HashSet<>();
            if (p.getSchema().getType() != null) types.add(p.getSchema().getType());
            if (p.getSchema().getTypes() != null) types.addAll(p.getSchema().getTypes());
            if (types.contains("integer") || types.contains("number") || types.contains("boolean")) p.setAllowEmptyValue(true);
        }
    }

    private static io.swagger.v3.oas.models.Operation binanceRefusals(io.swagger.v3.oas.models.Operation operation, HandlerMethod handler) {
        allowEmptyNumbers(operation);
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        responses.addApiResponse("400", binanceError("a parameter is missing, malformed or names no symbol; or the order was rejected"
                + " (-1100, -1102, -1013, -1021 stale timestamp, -1121, -2010, -2011, -2013)"));
        if (handler.hasMethodAnnotation(ApiKeySigned.class)) {
            declareBinanceParams(operation, handler.getMethod().getName());
            operation.addSecurityItem(new SecurityRequirement().addList(BINANCE_KEY_HEADER));
            responses.addApiResponse("401", binanceError("no or an unknown API key, or a bad signature (-2014, -2015, -1022)"));
        }
        responses.addApiResponse("429", binanceError("too many requests (-1003)").addHeaderObject("Retry-After",
                new io.swagger.v3.oas.models.headers.Header().description("seconds to wait before retrying").schema(new IntegerSchema())));
        responses.addApiResponse("503", binanceError("unavailable; the outcome is unknown, retry (-1001)"));
        operation.setResponses(responses);
        return operation;
    }

    /**
     * The parameters each signed /api/v3 operation reads (BinanceParams: from the query, or a form body), by handler
     * method; a trailing {@code !} marks a required one. The handlers read the request themselves, so without this
     * the document listed none and a fuzzer sent none: every signed request stopped at "symbol is missing".
     * {@code timestamp} and {@code signature} are the API-key scheme's (the security scheme says so), not listed.
     */
    static final Map<String, List<String>> BINANCE_SIGNED_PARAMS = Map.of(
            "account", List.of(),
            "newOrder", List.of("symbol!", "side!", "type!", "timeInForce", "quantity", "quoteOrderQty", "price", "newClientOrderId",
                    "newOrderRespType"),
            "order", List.of("symbol!", "orderId", "origClientOrderId"),
            "cancel", List.of("symbol!", "orderId", "origClientOrderId"),
            "openOrders", List.of("symbol"),
            "cancelAll", List.of("symbol!"),
            "allOrders", List.of("symbol!", "limit"),
            "myTrades", List.of("symbol!", "orderId", "fromId", "startTime", "endTime", "limit"));

    private static void declareBinanceParams(io.swagger.v3.oas.models.Operation operation, String handlerMethod) {
        List<String> names = new ArrayList<>(BINANCE_SIGNED_PARAMS.getOrDefault(handlerMethod, List.of()));
        names.add("recvWindow");
        for (String n : names) {
            boolean required = n.endsWith("!");
            String name = required ? n.substring(0, n.length() - 1) : n;
            if (operation.getParameters() != null && operation.getParameters().stream().anyMatch(x -> name.equals(x.getName()))) continue;
            // BinanceParams reads an empty value as absent (?recvWindow= is the default window): an optional
            // parameter may be empty (the long fuzz run's one finding on these parameters).
            operation.addParametersItem(new io.swagger.v3.oas.models.parameters.QueryParameter().name(name).required(required)
                    .allowEmptyValue(required ? null : Boolean.TRUE).schema(binanceParamSchema(name)));
        }
    }

    private static Schema<?> binanceParamSchema(String name) {
        return switch (name) {
            case "side" -> new StringSchema()._enum(List.of("BUY", "SELL"));
            case "type" -> new StringSchema()._enum(List.of("LIMIT", "LIMIT_MAKER", "MARKET"));
            case "timeInForce" -> new StringSchema()._enum(List.of("GTC", "IOC", "FOK"));
            case "newOrderRespType" -> new StringSchema()._enum(List.of("ACK", "RESULT", "FULL"));
            // No bounds: the handlers take any long here (a limit is clamped to 1..1000, as the summaries say).
            case "orderId", "fromId", "startTime", "endTime", "limit" -> new IntegerSchema().format("int64");
            case "recvWindow" -> new IntegerSchema().minimum(java.math.BigDecimal.ONE).maximum(java.math.BigDecimal.valueOf(ApiKeys.MAX_RECV_WINDOW_MS));
            case "symbol" -> new StringSchema().example("ETHUSDT");
            case "quantity", "quoteOrderQty", "price" -> new StringSchema().pattern(DECIMAL_PATTERN).example("0.5");
            case "newClientOrderId", "origClientOrderId" -> new StringSchema().pattern("^[a-zA-Z0-9-_.]{1,36}$");
            default -> new StringSchema();
        };
    }

    private static ApiResponse binanceError(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType("application/json",
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + BINANCE_ERROR))));
    }

    /**
     * The command and event schemas (block explorer, docs/topics.md) name their {@code type}: without it one JSON
     * object matched several members of the {@code oneOf} (a Withdraw is also a valid CancelAll shape), which a
     * validator must refuse; a {@code discriminator} alone does not constrain JSON Schema validation.
     */
    @Bean
    org.springdoc.core.customizers.OpenApiCustomizer messageTypes() {
        return openApi -> {
            if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) return;
            strictRequestBodies(openApi);
            tickerOneOrAll(openApi);
            arrayShapedRecords(openApi);
            for (Class<?> root : List.of(io.zkclob.contracts.Command.class, io.zkclob.contracts.Event.class)) {
                com.fasterxml.jackson.annotation.JsonSubTypes subtypes = root.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class);
                if (subtypes == null) continue;
                for (com.fasterxml.jackson.annotation.JsonSubTypes.Type t : subtypes.value()) {
                    Schema<?> s = openApi.getComponents().getSchemas().get(t.value().getSimpleName());
                    if (s != null) flatten(s, t.name(), t.value(), root == io.zkclob.contracts.Command.class);
                }
            }
        };
    }

    /**
     * One message type as one object: springdoc writes a subtype as allOf [the parent, its fields], where a validator
     * cannot forbid unknown fields; here its own fields, its {@code type}, every primitive field required (the reader
     * refuses a missing one), and for commands (the operator sends them) no other field.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void flatten(Schema<?> s, String typeName, Class<?> record, boolean closed) {
        Map<String, Schema> properties = new java.util.LinkedHashMap<>();
        properties.put("type", new StringSchema()._enum(List.of(typeName)));
        if (s.getAllOf() != null) {
            for (Schema<?> part : s.getAllOf()) if (part.get$ref() == null && part.getProperties() != null) properties.putAll(part.getProperties());
        }
        if (s.getProperties() != null) s.getProperties().forEach((k, v) -> properties.putIfAbsent(k, v));
        properties.put("type", new StringSchema()._enum(List.of(typeName)));
        List<String> required = new ArrayList<>(List.of("type"));
        for (var c : record.getRecordComponents()) {
            // A command has no optional field (AdminApi.requireEveryField); an event's objects may be null.
            if ((closed || c.getType().isPrimitive()) && properties.containsKey(c.getName())) required.add(c.getName());
        }
        s.setAllOf(null);
        s.setType("object");
        s.setTypes(new java.util.LinkedHashSet<>(List.of("object"))); // what the OpenAPI 3.1 writer reads
        s.setProperties(properties);
        s.setRequired(required);
        if (closed) s.setAdditionalProperties(false);
    }

    /** Records that are request bodies (or inside one), by schema name: their primitive fields cannot be left out. */
    private static Map<String, Class<?>> requestRecords() {
        Map<String, Class<?>> out = new java.util.HashMap<>();
        for (Class<?> api : List.of(TradingApi.class, ApiKeysApi.class, AdminApi.class, AccountApi.class, MarketDataApi.class)) {
            for (Class<?> c : api.getDeclaredClasses()) if (c.isRecord()) out.put(c.getSimpleName(), c);
        }
        for (Class<?> c : io.zkclob.contracts.Command.class.getPermittedSubclasses()) out.put(c.getSimpleName(), c);
        return out;
    }

    /**
     * Request bodies are read strictly (RequestJson: unknown properties and null primitives refused, 400), and an
     * optional field may be sent as null, which means left out. The document says both: additionalProperties false,
     * every primitive field required, every other optional field nullable. (The fuzzer sent extra properties, which the
     * document allowed and the API refused, and permissions: null, which the document refused and the API took.)
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void strictRequestBodies(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        Map<String, Class<?>> records = requestRecords();
        java.util.Deque<Schema<?>> todo = new java.util.ArrayDeque<>();
        openApi.getPaths().forEach((path, item) -> {
            if (!path.startsWith("/api/v1")) return;
            item.readOperations().forEach(op -> {
                if (op.getRequestBody() == null || op.getRequestBody().getContent() == null) return;
                op.getRequestBody().getContent().values().forEach(m -> {
                    if (m.getSchema() != null) todo.add(m.getSchema());
                });
            });
        });
        java.util.Set<String> done = new java.util.HashSet<>();
        for (int guard = 0; !todo.isEmpty() && guard < 1_000; guard++) { // a bound: the schemas are a few dozen
            Schema<?> s = todo.poll();
            if (s.getOneOf() != null) todo.addAll((List) s.getOneOf());
            if (s.getItems() != null) todo.add(s.getItems());
            if (s.get$ref() == null) continue;
            String name = s.get$ref().substring(s.get$ref().lastIndexOf('/') + 1);
            Schema<?> target = schemas.get(name);
            if (target == null || !done.add(name) || target.getProperties() == null) continue;
            target.setAdditionalProperties(false);
            List<String> required = new ArrayList<>(target.getRequired() == null ? List.of() : target.getRequired());
            Class<?> record = records.get(name);
            if (record != null) {
                for (var c : record.getRecordComponents()) {
                    if (c.getType().isPrimitive() && target.getProperties().containsKey(c.getName()) && !required.contains(c.getName())) {
                        required.add(c.getName());
                    }
                }
            }
            target.setRequired(required.isEmpty() ? null : required);
            target.getProperties().forEach((prop, p) -> {
                todo.add(p);
                // Amounts are decimal strings (Units): the document gives their spelling, so that a string the API
                // cannot read is not "schema-valid" (the fuzzer's withdrawal of amount "O\u00c0...").
                if (AMOUNT_FIELDS.contains(prop) && ("string".equals(p.getType()) || (p.getTypes() != null && p.getTypes().contains("string")))) {
                    p.pattern(DECIMAL_PATTERN).maxLength(Units.MAX_CHARS);
                }
                if (!required.contains(prop) && p.get$ref() == null && !"type".equals(prop)) nullable(p);
            });
        }
    }

    static final java.util.Set<String> AMOUNT_FIELDS = java.util.Set.of("amount", "price", "qty", "quoteQty");

    /**
     * Units.DECIMAL: the one spelling of an amount the API reads (a sign is read, and refused as 422 INVALID_AMOUNT),
     * or the empty string, read as the amount left out.
     */
    static final String DECIMAL_PATTERN = "^(-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?)?$";

    private static void nullable(Schema<?> p) {
        java.util.Set<String> types = new java.util.LinkedHashSet<>();
        if (p.getTypes() != null) types.addAll(p.getTypes());
        if (p.getType() != null) types.add(p.getType());
        if (types.isEmpty()) return;
        types.add("null");
        p.setTypes(types);
    }

    /**
     * Records Jackson writes as JSON arrays ({@code @JsonFormat(shape = ARRAY)}: Binance's price levels and klines)
     * are documented as the arrays they are, one element per component in {@code @JsonPropertyOrder}'s order; springdoc
     * documents them as objects (the strict long fuzz run: /api/v3/depth's {@code ["3000","0.5"]} "violated" BinanceLevel).
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void arrayShapedRecords(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        for (Class<?> c : BinanceRecords.class.getDeclaredClasses()) {
            com.fasterxml.jackson.annotation.JsonFormat format = c.getAnnotation(com.fasterxml.jackson.annotation.JsonFormat.class);
            if (!c.isRecord() || format == null || format.shape() != com.fasterxml.jackson.annotation.JsonFormat.Shape.ARRAY) continue;
            io.swagger.v3.oas.annotations.media.Schema named = c.getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class);
            Schema<?> s = schemas.get(named != null && !named.name().isEmpty() ? named.name() : c.getSimpleName());
            if (s == null || s.getProperties() == null) continue;
            com.fasterxml.jackson.annotation.JsonPropertyOrder order = c.getAnnotation(com.fasterxml.jackson.annotation.JsonPropertyOrder.class);
            List<String> names = order != null ? List.of(order.value())
                    : java.util.Arrays.stream(c.getRecordComponents()).map(java.lang.reflect.RecordComponent::getName).toList();
            List<Schema> elements = new ArrayList<>();
            for (String n : names) elements.add(s.getProperties().getOrDefault(n, new Schema<>()));
            s.setProperties(null);
            s.setRequired(null);
            s.setType("array");
            s.setTypes(new java.util.LinkedHashSet<>(List.of("array"))); // what the OpenAPI 3.1 writer reads
            s.setPrefixItems(elements);
            s.setMinItems(elements.size());
            s.setMaxItems(elements.size());
        }
    }

    /** GET /api/v3/ticker/24hr answers one ticker for a symbol, an array of every symbol's without one. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void tickerOneOrAll(OpenAPI openApi) {
        var item = openApi.getPaths().get("/api/v3/ticker/24hr");
        if (item == null || item.getGet() == null || item.getGet().getResponses().get("200") == null) return;
        Content content = item.getGet().getResponses().get("200").getContent();
        if (content == null) return;
        for (MediaType m : content.values()) {
            Schema<?> s = m.getSchema();
            if (s == null || s.getOneOf() == null || s.getOneOf().size() != 1) continue;
            Schema<?> one = (Schema<?>) s.getOneOf().getFirst();
            List oneOf = new ArrayList<>(s.getOneOf());
            oneOf.add(new io.swagger.v3.oas.models.media.ArraySchema().items(new Schema<>().$ref(one.get$ref())));
            s.setOneOf(oneOf);
        }
    }

    private static List<Refused> refusedOf(HandlerMethod handler) {
        List<Refused> out = new ArrayList<>();
        Refused one = handler.getMethodAnnotation(Refused.class);
        if (one != null) out.add(one);
        Refusals many = handler.getMethodAnnotation(Refusals.class);
        if (many != null) out.addAll(List.of(many.value()));
        return out;
    }

    private static void add(Map<Integer, LinkedHashSet<String>> codes, int status, String... names) {
        codes.computeIfAbsent(status, k -> new LinkedHashSet<>()).addAll(List.of(names));
    }

    static ApiResponse problem(int status, java.util.Collection<String> codes) {
        HttpStatus s = HttpStatus.valueOf(status);
        ApiResponse r = new ApiResponse().description(s.getReasonPhrase() + "; code: " + String.join(", ", codes))
                .content(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
        if (status == 429) {
            r.addHeaderObject("Retry-After", new io.swagger.v3.oas.models.headers.Header().description("seconds to wait before retrying")
                    .schema(new IntegerSchema()));
        }
        return r;
    }
}
