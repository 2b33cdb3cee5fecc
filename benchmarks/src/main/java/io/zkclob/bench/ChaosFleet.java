package io.zkclob.bench;

import io.zkclob.launcher.Launcher;
import io.zkclob.support.ServiceToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The fleet as separate OS processes ({@code io.zkclob.launcher.Node}): PostgreSQL (a holder JVM and the
 * postmaster it starts, with its backends), Kafka (broker and controller in one JVM) and one JVM per service.
 * Each part's output goes to {@code logs/<part>.log}, across restarts. A kill is {@code kill -9} of every process
 * of the part; a part that dies without being killed is reported and started again.
 */
final class ChaosFleet implements AutoCloseable {
    /**
     * Below Linux's ephemeral range (32768-60999): the client's thousands of reconnections would otherwise take a
     * service's port as the local end of an outgoing connection while the service is down, and the restart would
     * find its port in use.
     */
    static final Launcher.Ports PORTS = new Launcher.Ports(16432, 16092, 16080, 16082, 16083, 16084, 16085, 16086, 16081);
    /** Where scripts/build-guest leaves the guest and the CLI (prover-service's defaults); before SERVICES, which reads them. */
    static final Path ZK_TARGET = Path.of(System.getProperty("user.home"), ".cache", "clob", "zk-target");
    static final Path GUEST_ELF = ZK_TARGET.resolve("bin").resolve("clob-guest.elf");
    static final Path PROVER_CLI = ZK_TARGET.resolve("release").resolve("zk-prover");
    /**
     * The services in start order. The prover joins when the SP1 guest and the zk-prover CLI are built
     * ({@code scripts/build-guest}, {@link #GUEST_ELF}): it executes every range in the guest, proving stays off
     * (a proof takes minutes of both cores, docs/zk.md), and {@link ChaosCheck} waits for it after each round.
     */
    static final List<String> SERVICES = guestBuilt() ? List.of("matching", "ledger", "order", "gateway", "block", "prover")
            : List.of("matching", "ledger", "order", "gateway", "block");
    static final long READY_TIMEOUT_S = 240;
    static final int MAX_UNASKED_RESTARTS = 20;

    private final Path data;
    private final String classpath;
    private final Map<String, Process> running = new LinkedHashMap<>();
    private final Map<String, Boolean> killing = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> unaskedExits = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final String serviceToken;

    ChaosFleet(Path data, String classpath) {
        this.data = data;
        this.classpath = classpath;
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        this.serviceToken = java.util.HexFormat.of().formatHex(random);
    }

    /** CHAOS_PROVER=0 leaves the prover out even where the guest is built. */
    static boolean guestBuilt() {
        return !"0".equals(System.getenv("CHAOS_PROVER")) && Files.isRegularFile(GUEST_ELF) && Files.isExecutable(PROVER_CLI);
    }

    static boolean withProver() {
        return SERVICES.contains("prover");
    }

    static String portsCsv() {
        Launcher.Ports p = PORTS;
        return p.postgres() + "," + p.kafka() + "," + p.gateway() + "," + p.order() + "," + p.matching() + "," + p.ledger() + ","
                + p.block() + "," + p.prover() + "," + p.gatewayWs();
    }

    /** The gateway's WebSocket order entry on its own event loop (gateway.ws.port). */
    String orderEntryWs() {
        return "ws://127.0.0.1:" + PORTS.gatewayWs() + "/api/v1/ws";
    }

    String gatewayBase() {
        return "http://127.0.0.1:" + PORTS.gateway() + "/api/v1";
    }

    String kafkaBootstrap() {
        return "127.0.0.1:" + PORTS.kafka();
    }

    String jdbc(String database) {
        return "jdbc:postgresql://127.0.0.1:" + PORTS.postgres() + "/" + database;
    }

    /** Parts that died without being killed, with their exit codes (each was started again). */
    List<String> unaskedExits() {
        return unaskedExits;
    }

    /** PostgreSQL, Kafka, then the services side by side; then the markets are listed (idempotent). */
    void startAll() throws Exception {
        start("postgres").get(READY_TIMEOUT_S, TimeUnit.SECONDS);
        start("kafka").get(READY_TIMEOUT_S, TimeUnit.SECONDS);
        List<CompletableFuture<Void>> services = new ArrayList<>();
        for (String s : SERVICES) services.add(start(s));
        for (CompletableFuture<Void> f : services) f.get(READY_TIMEOUT_S, TimeUnit.SECONDS);
        start("markets").get(READY_TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** Starts one part; the future completes when it prints READY (and fails if it exits first). */
    CompletableFuture<Void> start(String part) throws IOException {
        Files.createDirectories(data.resolve("logs"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions(part));
        cmd.add("--enable-native-access=ALL-UNNAMED"); // lz4 and zstd (Kafka) load native code
        cmd.addAll(List.of("-cp", classpath, "io.zkclob.launcher.Node", part, data.toString(), portsCsv()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // Every part of this fleet shares one service token (a launcher alone would invent its own).
        pb.environment().put(ServiceToken.ENV, serviceToken);
        // The prover executes every range in the guest; proving stays off whatever the caller's environment says.
        if (part.equals("prover")) pb.environment().put("PROVER_PROVE_ENABLED", "false");
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Path log = data.resolve("logs").resolve(part + ".log");
        Thread.ofPlatform().daemon().name("out-" + part).start(() -> pump(part, p, log, ready));
        synchronized (running) {
            running.put(part, p);
        }
        p.onExit().thenAccept(x -> exited(part, x, ready));
        return ready;
    }

    private static List<String> jvmOptions(String part) {
        // Small heaps and C1 only: eight JVMs share two cores, and a restart's JIT warm-up is most of its CPU.
        return switch (part) {
            case "postgres", "markets" -> List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
            case "kafka" -> List.of("-Xmx512m", "-XX:+UseSerialGC");
            case "matching" -> List.of("-Xmx768m", "-XX:+UseSerialGC", "-Dlogging.level.root=WARN");
            default -> List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dlogging.level.root=WARN");
        };
    }

    private static void pump(String part, Process p, Path log, CompletableFuture<Void> ready) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.write(("---- started pid " + p.pid() + " at " + java.time.Instant.now() + "\n").getBytes(StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                if (line.startsWith("READY " + part)) {
                    out.flush();
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            // the process is gone; exited() reports it
        }
    }

    private void exited(String part, Process p, CompletableFuture<Void> ready) {
        if (!ready.isDone()) ready.completeExceptionally(new IllegalStateException(part + " exited with " + p.exitValue()
                + " before it was ready; see " + data.resolve("logs").resolve(part + ".log")));
        synchronized (running) {
            if (running.get(part) != p) return; // replaced meanwhile
            running.remove(part);
        }
        // A start that fails is retried by whoever awaits it; only a part that was serving is restarted here.
        if (part.equals("markets") || killing.containsKey(part) || ready.isCompletedExceptionally()) return;
        unaskedExits.add(part + " exited " + p.exitValue());
        System.out.println("chaos: " + part + " exited by itself (" + p.exitValue() + "); starting it again");
        if (unaskedExits.size() <= MAX_UNASKED_RESTARTS) {
            try {
                start(part);
            } catch (IOException e) {
                System.out.println("chaos: cannot restart " + part + ": " + e);
            }
        }
    }

    /** kill -9 of every process of the part (for postgres also the postmaster and its backends), waited for. */
    void kill(String part) throws Exception {
        killing.put(part, true);
        try {
            Process p;
            synchronized (running) {
                p = running.remove(part);
            }
            List<ProcessHandle> victims = new ArrayList<>();
            if (part.equals("postgres")) postmaster().ifPresent(pm -> {
                victims.add(pm);
                pm.descendants().forEach(victims::add);
            });
            if (p != null) {
                victims.add(p.toHandle());
                p.toHandle().descendants().forEach(victims::add);
            }
            for (ProcessHandle h : victims) h.destroyForcibly();
            for (ProcessHandle h : victims) h.onExit().get(30, TimeUnit.SECONDS);
        } finally {
            killing.remove(part);
        }
    }

    /** The PostgreSQL daemon of this data directory, when it runs (pg_ctl starts it outside the holder's tree). */
    Optional<ProcessHandle> postmaster() throws IOException {
        Path pid = data.resolve("pg").resolve("postmaster.pid");
        if (!Files.exists(pid)) return Optional.empty();
        List<String> lines = Files.readAllLines(pid);
        if (lines.isEmpty()) return Optional.empty();
        try {
            return ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().command().map(c -> c.contains("postgres")).orElse(false));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** kill -9 of everything at once (one machine's worth), then a start in dependency order. */
    void killAll() throws Exception {
        List<String> parts;
        synchronized (running) {
            parts = new ArrayList<>(running.keySet());
        }
        for (String part : List.of("postgres", "kafka")) if (!parts.contains(part)) parts.add(part);
        for (String part : parts) killing.put(part, true);
        try {
            List<ProcessHandle> victims = new ArrayList<>();
            postmaster().ifPresent(pm -> {
                victims.add(pm);
                pm.descendants().forEach(victims::add);
            });
            synchronized (running) {
                for (Process p : running.values()) {
                    victims.add(p.toHandle());
                    p.toHandle().descendants().forEach(victims::add);
                }
                running.clear();
            }
            for (ProcessHandle h : victims) h.destroyForcibly();
            for (ProcessHandle h : victims) h.onExit().get(30, TimeUnit.SECONDS);
        } finally {
            for (String part : parts) killing.remove(part);
        }
    }

    /** A graceful stop (SIGTERM, 30 s), then kill -9 of what is left. */
    @Override
    public void close() {
        List<Process> all;
        synchronized (running) {
            for (String part : running.keySet()) killing.put(part, true);
            all = new ArrayList<>(running.values());
        }
        List<Process> reversed = new ArrayList<>(all);
        java.util.Collections.reverse(reversed);
        for (Process p : reversed) {
            p.destroy();
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            postmaster().ifPresent(pm -> {
                pm.destroy();
                try {
                    pm.onExit().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    pm.destroyForcibly();
                }
            });
        } catch (IOException e) {
            // nothing left to stop
        }
    }
}
