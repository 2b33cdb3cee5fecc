package io.zkclob.launcher;

import io.zkclob.block.BlockApp;
import io.zkclob.gateway.GatewayApp;
import io.zkclob.ledger.LedgerApp;
import io.zkclob.matching.MatchingApp;
import io.zkclob.order.OrderApp;
import io.zkclob.prover.ProverApp;
import io.zkclob.support.ServiceToken;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded default: PostgreSQL 17 (zonky) and a real KRaft Kafka broker in this JVM, data under
 * {@code dataDir} so a restart keeps everything, then every service as its own Spring application (own
 * config, database, port) talking to the others only over HTTP and Kafka. Markets ETH-USDT and BTC-USDT
 * are listed on first start.
 */
public final class Launcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Launcher.class);
    /** The longest an acknowledged command stays only in the page cache (see startKafka). */
    static final long FLUSH_INTERVAL_MS = 100;
    /** {@code -Dzkclob.postgres.stat-statements=true}: the embedded PostgreSQL loads pg_stat_statements (diagnosis; off by default). */
    static final String STAT_STATEMENTS_PROPERTY = "zkclob.postgres.stat-statements";

    /** {@code gatewayWs}: the gateway's WebSocket order entry on its own event loop ({@code gateway.ws.port}). */
    public record Ports(int postgres, int kafka, int gateway, int order, int matching, int ledger, int block, int prover, int gatewayWs) {
        public static Ports defaults() {
            return new Ports(15432, 19092, 8080, 8082, 8083, 8084, 8085, 8086, 8081);
        }
    }

    /** PostgreSQL and Kafka run elsewhere (Testcontainers, a real cluster): the launcher starts only the services. */
    public record ExternalInfra(String jdbcBase, String user, String password, String kafkaBootstrap) {}

    private final Path dataDir;
    private final Ports ports;
    private ExternalInfra external;
    private boolean brokerOwnsProcess;
    private EmbeddedPostgres postgres;
    /** The embedded PostgreSQL's processes at the read models' background priority (null: off, or not embedded). */
    private PostgresPriority postgresPriority;
    private KafkaRaftServer kafka;
    private final List<ConfigurableApplicationContext> services = new ArrayList<>();
    private final java.util.Map<String, ConfigurableApplicationContext> byName = new java.util.LinkedHashMap<>();
    private final String serviceToken;

    public Launcher(Path dataDir, Ports ports) {
        this.dataDir = dataDir;
        this.ports = ports;
        this.serviceToken = configuredOrRandomToken();
    }

    /**
     * The secret the gateway shows the services' internal endpoints (ServiceToken): {@code -Dzkclob.service-token},
     * else {@code SERVICE_TOKEN}, else a fresh random one for this run (every service of this launcher shares it;
     * processes of one fleet, {@link Node}, are given one by whoever starts them).
     */
    private static String configuredOrRandomToken() {
        String token = System.getProperty(ServiceToken.PROPERTY);
        if (token == null || token.isBlank()) token = System.getenv(ServiceToken.ENV);
        if (token != null && !token.isBlank()) return token;
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.HexFormat.of().formatHex(random);
    }

    /** What a caller of the services' {@code /internal/*} endpoints sends in {@link ServiceToken#HEADER}. */
    public String serviceToken() {
        return serviceToken;
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(System.getProperty("zkclob.data", "data")).toAbsolutePath();
        Launcher l = new Launcher(data, Ports.defaults());
        Runtime.getRuntime().addShutdownHook(new Thread(l::close, "launcher-shutdown"));
        long t0 = System.nanoTime();
        l.start();
        log.info("exchange up in {} s: gateway http://127.0.0.1:{}/api/v1 (Swagger UI /swagger-ui.html), order entry "
                + "ws://127.0.0.1:{}/api/v1/ws, data in {}", (System.nanoTime() - t0) / 1_000_000_000, l.ports.gateway(),
                l.ports.gatewayWs(), data);
        System.out.printf("%nREADY gateway=http://127.0.0.1:%d kafka=127.0.0.1:%d postgres=127.0.0.1:%d data=%s%n",
                l.ports.gateway(), l.ports.kafka(), l.ports.postgres(), data);
        Thread.currentThread().join();
    }

    /** The broker is alone in this process (Node): Kafka's exit and halt requests end the process. */
    Launcher brokerOwnsProcess() {
        this.brokerOwnsProcess = true;
        return this;
    }

    public Ports ports() {
        return ports;
    }

    public Launcher withExternalInfra(ExternalInfra infra) {
        this.external = infra;
        return this;
    }

    private String jdbcBase() {
        return external != null ? external.jdbcBase() : "jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/";
    }

    public String kafkaBootstrap() {
        return external != null ? external.kafkaBootstrap() : "127.0.0.1:" + ports.kafka();
    }

    /** Starts the fleet; after a crash (kill -9) of a previous launcher on the same data it stops that one's PostgreSQL. */
    public void start() throws Exception {
        if (external == null) {
            startPostgres();
            startKafka();
        } else {
            createDatabases(java.sql.DriverManager.getConnection(external.jdbcBase() + "postgres", external.user(), external.password()));
        }
        writeServiceToken();
        for (String name : List.of("matching", "ledger", "order", "gateway", "block", "prover")) startService(name);
        bootstrapMarkets();
    }

    /**
     * {@code dataDir/service-token}, readable by its owner only, for operator tools on this machine
     * ({@code curl -H "X-Service-Token: $(cat data/service-token)" 127.0.0.1:8084/internal/ledger/conservation}).
     * Rewritten on every start: the token is this run's.
     */
    private void writeServiceToken() throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve("service-token");
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system
        }
        Files.writeString(file, serviceToken + "\n");
    }

    void startPostgres() throws IOException, InterruptedException {
        Path pg = dataDir.resolve("pg");
        Files.createDirectories(pg);
        StalePostgres.stopIfOrphaned(dataDir, pg);
        StalePostgres.claim(dataDir);
        // Durability is explicit (zonky's defaults favour test speed): a commit the services acknowledged, and
        // that their Kafka offsets may already count, must survive a crash of the machine.
        var builder = EmbeddedPostgres.builder().setDataDirectory(pg).setCleanDataDirectory(false).setPort(ports.postgres())
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on").setPGStartupWait(Duration.ofSeconds(60));
        // The read models' backends write 50-60 MB/s at 10,000 orders/s (the prover's witnesses, the block archive,
        // WAL, pages evicted from shared buffers). What a backend writes to a data file stayed dirty in the page cache
        // (up to 430 MB) until the kernel's 30 s expiry and then left in one burst (560 MB in 0.3 s), during which
        // 61-91 % of the acknowledgements took over 25 ms (docs/benchmarks.md, session 21). With this the kernel
        // starts writing back every 256 kB a backend writes.
        builder.setServerConfig("backend_flush_after", System.getProperty("zkclob.postgres.backend-flush-after", "256kB"));
        // Diagnosis only, off by default: which statements the read models spend PostgreSQL's CPU on
        // (SELECT * FROM pg_stat_statements in the postgres database; docs/benchmarks.md, issue 10, session 8).
        boolean statStatements = Boolean.getBoolean(STAT_STATEMENTS_PROPERTY);
        if (statStatements) builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
        postgres = builder.start();
        try {
            if (statStatements) {
                try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                }
            }
            createDatabases(postgres.getPostgresDatabase().getConnection());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot connect to the embedded PostgreSQL", e);
        }
        postgresPriority = PostgresPriority.start(pg);
        log.info("postgres on 127.0.0.1:{} ({})", ports.postgres(), pg);
    }

    private static void createDatabases(Connection connection) {
        try (Connection c = connection; Statement s = c.createStatement()) {
            for (String db : List.of("matching", "ledger", "orders", "gateway", "blocks", "prover")) {
                try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
                    if (!rs.next()) s.execute("CREATE DATABASE " + db);
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot create the service databases", e);
        }
    }

    void startKafka() throws IOException {
        Path dir = dataDir.resolve("kafka");
        Files.createDirectories(dir);
        // A broker fault must not kill the whole fleet's JVM; a broker in a process of its own (Node) exits as Kafka asks.
        if (!brokerOwnsProcess) {
            Exit.setExitProcedure((code, msg) -> log.error("kafka asked to exit({}): {}", code, msg));
            Exit.setHaltProcedure((code, msg) -> log.error("kafka asked to halt({}): {}", code, msg));
        }
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + ports.kafka() + ",CONTROLLER://127.0.0.1:" + (ports.kafka() + 1));
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + ports.kafka());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + (ports.kafka() + 1));
        p.put("log.dirs", dir.toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Kafka's request threads (8 I/O, 3 network by default), for measurements on small machines.
        p.put("num.io.threads", System.getProperty("zkclob.kafka.io-threads", "8"));
        p.put("num.network.threads", System.getProperty("zkclob.kafka.network-threads", "3"));
        // Durability of an acknowledged append (docs/reliability.md, "What an acknowledgement survives"): acks=all on
        // one replica puts it in the broker's page cache, which a kill -9 of any process (the broker included) keeps.
        // Against an OS crash or power loss, a background flush forces every log to disk at least every
        // FLUSH_INTERVAL_MS, off the request path: at most that much acknowledged work can be lost on one machine
        // (as PostgreSQL's synchronous_commit=off bounds it); replicate (three brokers) to lose none. Forcing every
        // append instead (flush-interval-messages=1) held the acknowledgement median at about 70 ms on this disk.
        p.put("log.flush.interval.messages", System.getProperty("zkclob.kafka.flush-interval-messages", String.valueOf(Long.MAX_VALUE)));
        String flushMs = System.getProperty("zkclob.kafka.flush-interval-ms", String.valueOf(FLUSH_INTERVAL_MS));
        p.put("log.flush.interval.ms", flushMs);
        p.put("log.flush.scheduler.interval.ms", flushMs);
        // After a kill -9 the controller (this same process) still holds the dead broker's registration and
        // refuses the new one (DUPLICATE_BROKER_REGISTRATION) until that session expires: 9 s by default, most
        // of a restart. Broker and controller live and die together here, so a short session loses nothing.
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "1500");
        if (!Files.exists(dir.resolve("meta.properties"))) {
            Path cfg = dataDir.resolve("kafka-server.properties");
            try (var w = Files.newBufferedWriter(cfg)) {
                p.store(w, "embedded broker");
            }
            StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", cfg.toString(), "--standalone"},
                    System.out);
        }
        kafka = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        kafka.startup();
        log.info("kafka (KRaft) on 127.0.0.1:{} ({})", ports.kafka(), dir);
    }

    public void startService(String name) {
        String pg = jdbcBase();
        String user = external != null ? external.user() : "postgres";
        String password = external != null ? external.password() : "postgres";
        List<String> props = new ArrayList<>(List.of("spring.kafka.bootstrap-servers=" + kafkaBootstrap(),
                "spring.datasource.username=" + user, "spring.datasource.password=" + password,
                "logging.include-application-name=false", "spring.jmx.enabled=false",
                ServiceToken.PROPERTY + "=" + serviceToken,
                "logging.level.org.apache.kafka=WARN", "logging.level.kafka=WARN"));
        Class<?> app;
        switch (name) {
            case "matching" -> {
                app = MatchingApp.class;
                props.add("server.port=" + ports.matching());
                props.add("spring.datasource.url=" + pg + "matching");
            }
            case "ledger" -> {
                app = LedgerApp.class;
                props.add("server.port=" + ports.ledger());
                props.add("spring.datasource.url=" + pg + "ledger");
            }
            case "order" -> {
                app = OrderApp.class;
                props.add("server.port=" + ports.order());
                props.add("spring.datasource.url=" + pg + "orders");
            }
            case "gateway" -> {
                app = GatewayApp.class;
                props.add("server.port=" + ports.gateway());
                props.add("gateway.ws.port=" + ports.gatewayWs());
                props.add("spring.datasource.url=" + pg + "gateway");
                props.add("gateway.order-service-url=http://127.0.0.1:" + ports.order());
                props.add("gateway.ledger-service-url=http://127.0.0.1:" + ports.ledger());
                props.add("gateway.prover-service-url=http://127.0.0.1:" + ports.prover());
                props.add("gateway.block-service-url=http://127.0.0.1:" + ports.block());
            }
            case "block" -> {
                app = BlockApp.class;
                props.add("server.port=" + ports.block());
                props.add("spring.datasource.url=" + pg + "blocks");
            }
            case "prover" -> {
                app = ProverApp.class;
                props.add("server.port=" + ports.prover());
                props.add("spring.datasource.url=" + pg + "prover");
                props.add("prover.work-dir=" + dataDir.resolve("prover"));
            }
            default -> throw new IllegalArgumentException(name);
        }
        // Only the gateway has a JPA entity (API keys); the fleet shares one classpath here, so the others leave JPA off.
        if (!name.equals("gateway")) {
            props.add("spring.autoconfigure.exclude=org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
                    + "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration");
        }
        String configName = name.equals("order") ? "order-service" : name + "-service";
        props.add("spring.config.name=" + configName);
        // Command-line arguments outrank each service's own properties file (which defaults to the standard ports).
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(app).main(app)
                .run(props.stream().map(p -> "--" + p).toArray(String[]::new));
        services.add(ctx);
        byName.put(name, ctx);
        log.info("{} up", configName);
    }

    /** Stops one service (for restart tests); its data stays. */
    public void stopService(String name) {
        ConfigurableApplicationContext ctx = byName.remove(name);
        if (ctx != null) {
            services.remove(ctx);
            ctx.close();
        }
    }

    /** Lists ETH, USDT, BTC and the markets ETH-USDT and BTC-USDT on first start (idempotent). */
    void bootstrapMarkets() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + ports.gateway() + "/api/v1";
        String markets = http.send(HttpRequest.newBuilder(URI.create(base + "/markets")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        if (markets.contains("ETH-USDT")) return;
        for (String cmd : List.of(
                "{\"type\":\"AddAsset\",\"seq\":-1,\"timestampMs\":0,\"assetId\":1,\"symbol\":\"ETH\",\"scale\":8}",
                "{\"type\":\"AddAsset\",\"seq\":-1,\"timestampMs\":0,\"assetId\":2,\"symbol\":\"USDT\",\"scale\":6}",
                "{\"type\":\"AddAsset\",\"seq\":-1,\"timestampMs\":0,\"assetId\":3,\"symbol\":\"BTC\",\"scale\":8}",
                "{\"type\":\"AddMarket\",\"seq\":-1,\"timestampMs\":0,\"marketId\":1,\"symbol\":\"ETH-USDT\",\"baseAssetId\":1,"
                        + "\"quoteAssetId\":2,\"tickSize\":10000,\"lotSize\":10000,\"minNotional\":1000000,\"makerFeePpm\":1000,\"takerFeePpm\":2000}",
                "{\"type\":\"AddMarket\",\"seq\":-1,\"timestampMs\":0,\"marketId\":2,\"symbol\":\"BTC-USDT\",\"baseAssetId\":3,"
                        + "\"quoteAssetId\":2,\"tickSize\":100000,\"lotSize\":1000,\"minNotional\":5000000,\"makerFeePpm\":0,\"takerFeePpm\":500}")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/commands"))
                    .header("Content-Type", "application/json").header("X-Operator-Key", "dev-operator-key")
                    .POST(HttpRequest.BodyPublishers.ofString(cmd)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) throw new IllegalStateException("listing failed: " + r.body());
        }
        // Wait until the markets are visible through the gateway (the engine applied them, order-service projected them).
        for (int i = 0; i < 300; i++) {
            if (http.send(HttpRequest.newBuilder(URI.create(base + "/markets")).build(), HttpResponse.BodyHandlers.ofString())
                    .body().contains("BTC-USDT")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("markets did not appear within 30 s");
    }

    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            try {
                services.get(i).close();
            } catch (RuntimeException e) {
                log.warn("closing a service", e);
            }
        }
        services.clear();
        if (kafka != null) {
            kafka.shutdown();
            kafka.awaitShutdown();
            kafka = null;
        }
        if (postgresPriority != null) {
            postgresPriority.close();
            postgresPriority = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            postgres = null;
            StalePostgres.release(dataDir);
        }
    }
}
