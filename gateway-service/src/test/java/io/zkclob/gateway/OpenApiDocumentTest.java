package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.zkclob.support.ProblemHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Issue 11 #12 and issue 12: the OpenAPI document the gateway serves. The gateway's real controllers, springdoc
 * and Spring MVC run on a real port (their collaborators are in-memory: generating the document calls none of
 * them), the document is fetched over HTTP from /v3/api-docs, parsed and validated by swagger-parser, and every
 * /api/v1 operation is checked: a schema for each request and response body, problem+json for each refusal, the
 * signing scheme on signed operations.
 */
class OpenApiDocumentTest {
    static ConfigurableApplicationContext app;
    static String json;
    static OpenAPI doc;
    static int port;

    @SpringBootConfiguration
    @EnableAutoConfiguration(excludeName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
            "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
            "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration"})
    @Import({ApiDocs.class, ProblemHandler.class, TradingApi.class, MarketDataApi.class, AccountApi.class, AdminApi.class,
            ApiKeysApi.class, BlocksProxy.class, ProofsProxy.class, TimeApi.class, StreamApi.class, ErrorApi.class, BinanceApi.class,
            BinanceMarkets.class, StrictNumbers.class})
    static class DocsOnly {
        /** Never connected: generating the document queries nothing. */
        static final DataSource NOWHERE = new SimpleDriverDataSource();

        @Bean
        GatewayProperties props() {
            return GatewayEdgeTest.PROPS;
        }

        @Bean
        Signatures signatures() {
            return new GatewayEdgeTest.Accounts();
        }

        @Bean
        Backends backends() {
            return new GatewayEdgeTest.FakeBackends();
        }

        @Bean(destroyMethod = "close")
        CommandLog commandLog() {
            return new CommandLog(new MockProducer<>(true, null, new StringSerializer(), new StringSerializer()));
        }

        @Bean
        JdbcClient jdbc() {
            return JdbcClient.create(NOWHERE);
        }

        @Bean
        FundsView funds() {
            return new FundsView(() -> 0);
        }

        @Bean
        OrderVerdicts verdicts() {
            return new OrderVerdicts();
        }

        @Bean
        MarketStream stream() {
            return new MarketStream();
        }

        @Bean
        TradeTape tape() {
            return new TradeTape(JdbcClient.create(NOWHERE), new TransactionTemplate());
        }

        @Bean
        ApiKeys apiKeys() {
            return new ApiKeys(null);
        }

        @Bean
        io.zkclob.support.ServiceToken serviceToken() {
            return new io.zkclob.support.ServiceToken("openapi-document-test-service-token-0123456789");
        }
    }

    @BeforeAll
    static void serveAndFetch() throws Exception {
        SpringApplication boot = new SpringApplication(DocsOnly.class);
        java.util.Properties props = GatewayConfigTest.props(); // the gateway's own springdoc settings
        Map<String, Object> defaults = new java.util.HashMap<>();
        props.stringPropertyNames().stream().filter(k -> k.startsWith("springdoc.")).forEach(k -> defaults.put(k, props.getProperty(k)));
        defaults.put("server.port", "0");
        defaults.put("spring.main.banner-mode", "off");
        boot.setDefaultProperties(defaults);
        app = boot.run();
        port = ((WebServerApplicationContext) app).getWebServer().getPort();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v3/api-docs"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        json = r.body();
        // Kept for reading (and for docs/api.md): target/openapi.json.
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "openapi.json"), json);
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(json, null, options);
        assertTrue(parsed.getMessages() == null || parsed.getMessages().isEmpty(), "validation: " + parsed.getMessages());
        doc = parsed.getOpenAPI();
        assertNotNull(doc, "the document parses");
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
    }

    /** Every /api/v1 operation as "METHOD path". */
    static Map<String, Operation> operations() {
        Map<String, Operation> out = new java.util.TreeMap<>();
        doc.getPaths().forEach((path, item) -> {
            if (!path.startsWith("/api/v1")) return;
            item.readOperationsMap().forEach((method, op) -> out.put(method + " " + path, op));
        });
        return out;
    }

    @Test
    void theDocumentIsValidOpenApi3() {
        assertTrue(doc.getOpenapi().startsWith("3."), doc.getOpenapi());
        assertTrue(operations().size() >= 30, "the /api/v1 operations: " + operations().keySet());
    }

    @Test
    void everyResponseOfEveryOperationHasASchema() {
        List<String> missing = new ArrayList<>();
        operations().forEach((name, op) -> {
            assertNotNull(op.getResponses(), name);
            op.getResponses().forEach((status, response) -> {
                if (!hasSchema(response.getContent())) missing.add(name + " " + status);
            });
            if (op.getRequestBody() != null && !hasSchema(op.getRequestBody().getContent())) missing.add(name + " request body");
        });
        assertEquals(List.of(), missing);
    }

    private static boolean hasSchema(Content content) {
        if (content == null || content.isEmpty()) return false;
        return content.values().stream().allMatch(m -> m.getSchema() != null);
    }

    @Test
    void noJsonBodyIsDocumentedAsABareStringOrAnUntypedMap() {
        List<String> untyped = new ArrayList<>();
        operations().forEach((name, op) -> {
            op.getResponses().forEach((status, response) -> response.getContent().forEach((type, media) -> {
                if (!type.contains("json")) return;
                Schema<?> s = resolve(media.getSchema());
                if (s.getItems() != null) s = resolve(s.getItems());
                if ("string".equals(s.getType()) || (s.get$ref() == null && s.getProperties() == null && s.getOneOf() == null
                        && s.getAllOf() == null && !"integer".equals(s.getType()))) {
                    untyped.add(name + " " + status + " " + type);
                }
            }));
            if (op.getRequestBody() != null) {
                op.getRequestBody().getContent().forEach((type, media) -> {
                    Schema<?> s = resolve(media.getSchema());
                    if (s.getProperties() == null && s.getOneOf() == null) untyped.add(name + " request " + type);
                });
            }
        });
        assertEquals(List.of(), untyped);
    }

    private static Schema<?> resolve(Schema<?> s) {
        if (s != null && s.get$ref() != null) {
            String name = s.get$ref().substring(s.get$ref().lastIndexOf('/') + 1);
            return doc.getComponents().getSchemas().get(name);
        }
        return s;
    }

    @Test
    void refusalsAreProblemJsonAndTheCodesTheApiReallyAnswers() {
        Map<String, Operation> ops = operations();
        for (var e : ops.entrySet()) {
            for (var r : e.getValue().getResponses().entrySet()) {
                int status = Integer.parseInt(r.getKey());
                if (status < 400) continue;
                ApiResponse response = r.getValue();
                assertNotNull(response.getContent().get(ApiDocs.PROBLEM_JSON), e.getKey() + " " + status);
                assertEquals("#/components/schemas/Problem", response.getContent().get(ApiDocs.PROBLEM_JSON).getSchema().get$ref());
            }
            for (String shared : List.of("400", "429", "503")) assertNotNull(e.getValue().getResponses().get(shared), e.getKey() + " " + shared);
        }
        assertHas(ops, "post /api/v1/orders", "202", "401", "404", "413", "415", "422");
        assertHas(ops, "get /api/v1/orders/{orderId}", "200", "401", "404");
        assertHas(ops, "post /api/v1/accounts", "200", "201", "400");
        assertHas(ops, "post /api/v1/admin/deposits", "202", "403", "422");
        assertHas(ops, "get /api/v1/blocks/{height}", "200", "404");
        assertHas(ops, "delete /api/v1/orders/by-client-id/{clientOrderId}", "202", "401", "404");
        assertTrue(json.contains("INSUFFICIENT_FUNDS"), "refusals name their stable codes");
    }

    private static void assertHas(Map<String, Operation> ops, String name, String... statuses) {
        Operation op = ops.get(name.toUpperCase().substring(0, name.indexOf(' ')) + name.substring(name.indexOf(' ')));
        assertNotNull(op, name + " in " + ops.keySet());
        for (String s : statuses) assertNotNull(op.getResponses().get(s), name + " documents " + s + ": " + op.getResponses().keySet());
    }

    @Test
    void signedOperationsRequireAllThreeSigningHeaders() {
        var schemes = doc.getComponents().getSecuritySchemes();
        assertEquals("X-Account-Id", schemes.get("accountId").getName());
        assertEquals("X-Timestamp", schemes.get("timestamp").getName());
        assertEquals("X-Signature", schemes.get("signature").getName());
        Map<String, Operation> ops = operations();
        for (String signed : List.of("POST /api/v1/orders", "GET /api/v1/balances", "GET /api/v1/trades", "GET /api/v1/account",
                "POST /api/v1/withdrawals", "DELETE /api/v1/orders")) {
            Operation op = ops.get(signed);
            assertNotNull(op, signed);
            assertEquals(1, op.getSecurity().size(), signed);
            assertEquals(java.util.Set.of("accountId", "timestamp", "signature"), op.getSecurity().getFirst().keySet(), signed);
        }
        assertEquals(null, ops.get("GET /api/v1/markets").getSecurity(), "public");
    }

    /** Conformance findings of the fuzzer (issue 11 #12): each documented as the API answers. */
    @Test
    void streamsCommandsAndPagesAreDocumentedAsTheyAre() {
        Map<String, Operation> ops = operations();
        Schema<?> event = resolve(ops.get("GET /api/v1/stream/markets/{symbol}").getResponses().get("200").getContent()
                .get("text/event-stream").getSchema());
        assertEquals(List.of("depth", "trade", "heartbeat"), event.getProperties().get("event").getEnum(), "an SSE event is {event, data}");
        for (String command : List.of("Withdraw", "CancelAll", "Deposit", "SealBlock")) {
            Schema<?> s = doc.getComponents().getSchemas().get(command);
            assertEquals(List.of(command), s.getProperties().get("type").getEnum(), command + " names its type");
            assertTrue(s.getRequired().contains("type"), command);
        }
        Schema<?> batch = resolve(ops.get("POST /api/v1/orders/batch").getRequestBody().getContent().get("application/json").getSchema());
        assertEquals(1, batch.getProperties().get("orders").getMinItems());
        assertEquals(TradingApi.MAX_BATCH_ORDERS, batch.getProperties().get("orders").getMaxItems());
        assertTrue(doc.getPaths().containsKey("/api/v1/orders/{orderId}"), "the id's pattern stays out of the path: " + doc.getPaths().keySet());
    }

    @Test
    void blocksAndProofsAreTypedNotStrings() {
        Map<String, Operation> ops = operations();
        assertEquals("#/components/schemas/Block", schemaOf(ops.get("GET /api/v1/blocks/{height}")).get$ref());
        assertEquals("#/components/schemas/Block", schemaOf(ops.get("GET /api/v1/blocks")).getItems().get$ref());
        assertEquals("#/components/schemas/BlockProof", schemaOf(ops.get("GET /api/v1/proofs/blocks/{height}")).get$ref());
        assertNotNull(doc.getComponents().getSchemas().get("Block").getProperties().get("stateRoot"));
    }

    private static Schema<?> schemaOf(Operation op) {
        return op.getResponses().get("200").getContent().get("application/json").getSchema();
    }

    /**
     * springdoc names a component by the simple class name and keeps one class per name: /api/v3's Order (Binance's
     * shape) documented every /api/v1 order, and the long fuzz run found /api/v1 answers "violating" it. Every record
     * an endpoint takes or answers, walked through its components, must have a name of its own.
     */
    @Test
    void noTwoClassesShareAComponentName() {
        var mapping = app.getBean("requestMappingHandlerMapping", org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping.class);
        java.util.Deque<java.lang.reflect.Type> todo = new java.util.ArrayDeque<>();
        for (var h : mapping.getHandlerMethods().values()) {
            todo.add(h.getMethod().getGenericReturnType());
            for (var p : h.getMethod().getParameters()) todo.add(p.getParameterizedType());
        }
        Map<String, java.util.Set<String>> classesByName = new java.util.TreeMap<>();
        java.util.Set<Class<?>> seen = new java.util.HashSet<>();
        for (int guard = 0; !todo.isEmpty() && guard < 10_000; guard++) { // a bound: a few hundred types
            java.lang.reflect.Type t = todo.poll();
            if (t instanceof java.lang.reflect.ParameterizedType p) {
                todo.addAll(List.of(p.getActualTypeArguments()));
                todo.add(p.getRawType());
            } else if (t instanceof java.lang.reflect.GenericArrayType a) {
                todo.add(a.getGenericComponentType());
            } else if (t instanceof Class<?> c && seen.add(c)) {
                if (c.isArray()) todo.add(c.getComponentType());
                if (c.isSealed()) todo.addAll(List.of(c.getPermittedSubclasses()));
                if (!c.isRecord() && !c.isSealed()) continue;
                io.swagger.v3.oas.annotations.media.Schema named = c.getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class);
                String name = named != null && !named.name().isEmpty() ? named.name() : c.getSimpleName();
                classesByName.computeIfAbsent(name, k -> new java.util.TreeSet<>()).add(c.getName());
                if (c.isRecord()) for (var rc : c.getRecordComponents()) todo.add(rc.getGenericType());
            }
        }
        Map<String, java.util.Set<String>> shared = new java.util.TreeMap<>(classesByName);
        shared.values().removeIf(classes -> classes.size() < 2);
        assertEquals(Map.of(), shared, "component names given to more than one class");
        assertTrue(classesByName.containsKey("Order") && classesByName.containsKey("BinanceOrder"), "the walk reached both: " + classesByName.keySet());
    }

    /**
     * The long fuzz run: a negative clientOrderId is 400 and a negative or zero fromId of trades too, so the document
     * says so; otherwise a fuzzer rightly counts them as valid input refused.
     */
    @Test
    void theBoundsTheApiChecksAreDeclared() {
        Map<String, Operation> ops = operations();
        Schema<?> request = doc.getComponents().getSchemas().get("OrderRequest");
        assertEquals(0, request.getProperties().get("clientOrderId").getMinimum().intValue());
        assertEquals(1, minimumOf(ops.get("GET /api/v1/trades"), "fromId"));
        assertEquals(1, minimumOf(ops.get("GET /api/v1/markets/{symbol}/trades"), "fromId"));
        assertEquals(0, minimumOf(ops.get("GET /api/v1/deposits"), "fromId"));
        assertEquals(0, minimumOf(ops.get("GET /api/v1/withdrawals"), "fromId"));
        assertEquals(0, minimumOf(ops.get("GET /api/v1/orders"), "fromId"));
    }

    private static int minimumOf(Operation op, String parameter) {
        var p = op.getParameters().stream().filter(x -> parameter.equals(x.getName())).findFirst().orElseThrow();
        assertNotNull(p.getSchema().getMinimum(), parameter + " declares its minimum");
        return p.getSchema().getMinimum().intValue();
    }

    @Test
    void v1OrdersAreDocumentedWithTheV1OrderAndV3WithBinances() {
        Map<String, Operation> ops = operations();
        assertEquals("#/components/schemas/Order", schemaOf(ops.get("GET /api/v1/orders/{orderId}")).get$ref());
        assertEquals("#/components/schemas/Order", schemaOf(ops.get("GET /api/v1/orders")).getItems().get$ref());
        Schema<?> order = doc.getComponents().getSchemas().get("Order");
        Schema<?> clientOrderId = order.getProperties().get("clientOrderId");
        assertTrue("integer".equals(clientOrderId.getType()) || (clientOrderId.getTypes() != null && clientOrderId.getTypes().contains("integer")),
                "the /api/v1 order's clientOrderId is a number: " + clientOrderId);
        assertNotNull(order.getProperties().get("market"));
        assertEquals("#/components/schemas/BinanceOrder",
                doc.getPaths().get("/api/v3/order").getGet().getResponses().get("200").getContent().get("application/json").getSchema().get$ref());
        for (String v3 : List.of("BinanceBalance", "BinanceMyTrade", "BinanceDepth", "BinanceServerTime")) {
            assertNotNull(doc.getComponents().getSchemas().get(v3), v3 + " in " + doc.getComponents().getSchemas().keySet());
        }
    }

    /** Through Tomcat's own query decoding: the fuzzer's {@code endTimeMs=%1D} is 400 problem+json, not "left out". */
    @Test
    void aControlCharacterIsNotAnEmptyNumberOnTheRealServer() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/markets/ETH-USDT/candles?interval=15m&endTimeMs=%1D")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"code\":\"MALFORMED_REQUEST\""), r.body());
        assertEquals(ApiDocs.PROBLEM_JSON, r.headers().firstValue("Content-Type").orElse(""));
    }

    /** The strict long fuzz run: /api/v3/depth answers levels as ["price","qty"], documented as objects until then. */
    @Test
    void binanceLevelsAndKlinesAreDocumentedAsTheArraysTheyAre() throws Exception {
        var mapper = tools.jackson.databind.json.JsonMapper.builder().build();
        for (var c : List.of(new BinanceRecords.Level("3000", "0.5"),
                new BinanceRecords.Kline(1, "1", "2", "0.5", "1.5", "3", 59_999, "4.5", 2, "1", "1.5", "0"))) {
            String name = c.getClass().getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class).name();
            Schema<?> s = doc.getComponents().getSchemas().get(name);
            tools.jackson.databind.JsonNode written = mapper.readTree(mapper.writeValueAsString(c));
            assertTrue(written.isArray(), name + " is written as " + written);
            assertTrue(s.getTypes() != null && s.getTypes().contains("array"), name + ": " + s);
            assertEquals(written.size(), s.getPrefixItems().size(), name);
            assertEquals(written.size(), s.getMaxItems(), name);
            for (int i = 0; i < written.size(); i++) {
                Schema<?> element = (Schema<?>) s.getPrefixItems().get(i);
                String type = element.getTypes() != null ? element.getTypes().iterator().next() : element.getType();
                assertEquals(written.get(i).isString() ? "string" : "integer", type, name + "[" + i + "]");
            }
        }
    }
}
