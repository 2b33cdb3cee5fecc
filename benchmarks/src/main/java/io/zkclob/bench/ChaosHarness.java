package io.zkclob.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The crash test (scripts/chaos): the fleet as separate processes ({@link ChaosFleet}), a client in its own process
 * ({@link ChaosLoad}) placing signed orders with unique clientOrderIds at a steady rate and retrying each until it
 * is acknowledged, and kill -9 of a random part (a service, Kafka, PostgreSQL, or everything at once) at random
 * moments of each round, restarted at once. After each round the client drains and {@link ChaosCheck} replays the
 * log and compares. The last line:
 * <pre>chaos rounds: N  kills: K  acknowledged: A  lost: 0  duplicated: 0  conservation: ok  replay: identical</pre>
 * exits 1 when anything was lost or doubled, conservation broke, a projection or the chain differs from the replay,
 * or an order could not be acknowledged.
 *
 * <pre>ChaosHarness workDir rounds ordersPerSecond roundSeconds seed [accounts]</pre>
 * The children run on this JVM's class path.
 */
public final class ChaosHarness {
    /** What a kill may take down: each service, Kafka (broker and controller), PostgreSQL, or all of them. */
    static final List<String> TARGETS = ChaosFleet.withProver()
            ? List.of("gateway", "matching", "ledger", "order", "block", "prover", "kafka", "postgres", "all")
            : List.of("gateway", "matching", "ledger", "order", "block", "kafka", "postgres", "all");
    static final int DRAIN_SECONDS = 180;

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        int rounds = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        int roundSeconds = Integer.parseInt(args[3]);
        long seed = Long.parseLong(args[4]);
        int accounts = args.length > 5 ? Integer.parseInt(args[5]) : 100;
        quietLogs();
        Files.createDirectories(work);
        System.exit(new ChaosHarness(work, seed).run(rounds, rate, roundSeconds, accounts) ? 0 : 1);
    }

    /** The Kafka and JDBC clients of this process log at INFO by default; the figures are what this prints. */
    static void quietLogs() {
        if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        // A consumer reassigned between partitions warns about offsets it no longer tracks: expected here.
        if (org.slf4j.LoggerFactory.getLogger("org.apache.kafka") instanceof ch.qos.logback.classic.Logger kafka) {
            kafka.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }

    private final Path work;
    private final Random random;
    /**
     * CHAOS_TARGETS=all,random,...: these targets, in this order and then again, instead of a random permutation of
     * {@link #TARGETS} per 8 kills ({@code random}: any one); to reproduce a round, or to be sure a short run kills all.
     */
    private final List<String> fixedTargets = System.getenv("CHAOS_TARGETS") == null ? List.of()
            : List.of(System.getenv("CHAOS_TARGETS").split(","));
    private final ChaosFleet fleet;

    ChaosHarness(Path work, long seed) {
        this.work = work;
        this.random = new Random(seed);
        this.fleet = new ChaosFleet(work, System.getProperty("java.class.path"));
    }

    boolean run(int rounds, int rate, int roundSeconds, int accounts) throws Exception {
        long t0 = System.nanoTime();
        long kills = 0;
        long acknowledged = 0;
        long lost = 0;
        long duplicated = 0;
        boolean conservation = true;
        boolean identical = true;
        boolean clean = true;
        long guestRounds = 0;
        boolean guestOk = true;
        long guestBlocks = 0;
        long guestSealed = 0;
        long guestRanges = 0;
        long guestCycles = 0;
        double guestWaitMaxS = 0;
        ChaosFleet parts = fleet;
        // Interrupted (Ctrl-C, a CI timeout's SIGTERM): stop the fleet, or its PostgreSQL and ports outlive this run.
        Thread stopFleet = new Thread(fleet::close, "chaos-stop-fleet");
        Runtime.getRuntime().addShutdownHook(stopFleet);
        try (parts) {
            parts.startAll();
            System.out.printf("chaos: fleet up in %.0f s (%s, %d-core machine), data in %s%n", seconds(t0), ChaosFleet.SERVICES,
                    Runtime.getRuntime().availableProcessors(), work);
            try (Client client = Client.start(work, fleet.gatewayBase(), fleet.orderEntryWs(), rate, accounts, random.nextLong())) {
            client.awaitReady();
            List<String> order = new ArrayList<>();
            ChaosCheck check = new ChaosCheck(fleet, work, random.nextLong());
            for (int round = 1; round <= rounds; round++) {
                long r0 = System.nanoTime();
                client.send("resume");
                List<String> killed = chaos(order, roundSeconds, r0);
                kills += killed.size();
                String drained = client.pause();
                long c0 = System.nanoTime();
                ChaosCheck.Outcome o = check.check();
                acknowledged = o.acknowledged();
                lost = Math.max(lost, o.lost());
                duplicated = Math.max(duplicated, o.duplicated());
                conservation &= o.conservation();
                identical &= o.replayIdentical();
                boolean stuck = !drained.contains(" outstanding=0 ");
                clean &= !stuck && o.problems().isEmpty();
                System.out.printf("chaos round %d/%d: %s; client: %s%n", round, rounds, String.join(", ", killed), drained);
                System.out.printf("chaos round %d/%d: acknowledged %d (%d after a retry, %d answered duplicate, %d with the retry's own id),"
                                + " lost %d, duplicated %d, conservation %s, replay %s (%d events, %d blocks, %d orders, live book = store's"
                                + " %d levels); checked in %.0f s%n",
                        round, rounds, o.acknowledged(), o.retriedAcks(), o.duplicateAnswers(), o.ownIdAnswers(), o.lost(), o.duplicated(),
                        o.conservation() ? "ok" : "BROKEN", o.replayIdentical() ? "identical" : "DIFFERS", o.events(), o.blocks(), o.orders(),
                        o.bookLevels(), seconds(c0));
                System.out.printf("chaos round %d/%d: %s%n", round, rounds, o.transfers().describe());
                if (o.guest().checked()) {
                    System.out.printf("chaos round %d/%d: %s%n", round, rounds, o.guest().describe());
                    guestRounds++;
                    guestOk &= o.guest().ok();
                    guestBlocks = o.guest().executedHeight();
                    guestSealed = o.guest().sealedHeight();
                    guestRanges = o.guest().ranges();
                    guestCycles = o.guest().cycles();
                    guestWaitMaxS = Math.max(guestWaitMaxS, o.guest().waitedS());
                }
                for (String p : o.problems()) System.out.println("chaos round " + round + " PROBLEM " + p);
                if (stuck) System.out.println("chaos round " + round + " PROBLEM orders not acknowledged within " + DRAIN_SECONDS + " s");
            }
            if (!fleet.unaskedExits().isEmpty()) System.out.println("chaos: parts that exited by themselves: " + fleet.unaskedExits());
            System.out.printf("chaos: %d rounds of %d s at %d orders/s in %.0f s%n", rounds, roundSeconds, rate, seconds(t0));
            if (guestRounds > 0) {
                System.out.printf("chaos guest: rounds checked: %d  executed through block: %d of %d  ranges: %d  cycles: %d  divergence: %s"
                        + "  longest catch-up: %.0f s%n", guestRounds, guestBlocks, guestSealed, guestRanges, guestCycles,
                        guestOk ? "none" : "FOUND OR BEHIND", guestWaitMaxS);
            }
            System.out.printf("chaos rounds: %d  kills: %d  acknowledged: %d  lost: %d  duplicated: %d  conservation: %s  replay: %s%n",
                    rounds, kills, acknowledged, lost, duplicated, conservation ? "ok" : "BROKEN", identical ? "identical" : "DIFFERS");
            }
        }
        return clean && guestOk && lost == 0 && duplicated == 0 && conservation && identical;
    }

    /**
     * One round's faults: kills at random moments (one per 30 s of round, at least one), each target restarted
     * after a random pause of up to 2 s and awaited before the next; the round then runs to its end.
     */
    private List<String> chaos(List<String> order, int roundSeconds, long r0) throws Exception {
        int killsThisRound = Math.max(1, roundSeconds / 30);
        List<String> killed = new ArrayList<>();
        long slotNanos = TimeUnit.SECONDS.toNanos(roundSeconds) / killsThisRound;
        for (int k = 0; k < killsThisRound; k++) {
            if (order.isEmpty()) { // every target once per 8 kills, in a random order
                order.addAll(fixedTargets.isEmpty() ? TARGETS : fixedTargets);
                if (fixedTargets.isEmpty()) Collections.shuffle(order, random);
            }
            String target = order.remove(0);
            if (target.equals("random")) target = TARGETS.get(random.nextInt(TARGETS.size()));
            long at = r0 + k * slotNanos + (long) (slotNanos * (0.15 + 0.35 * random.nextDouble()));
            sleepUntil(at);
            double killedAtS = seconds(r0);
            if (target.equals("all")) fleet.killAll();
            else fleet.kill(target);
            Thread.sleep(random.nextInt(2_000));
            long s0 = System.nanoTime();
            String parts = restart(target);
            killed.add(String.format("kill -9 %s at %.1f s, ready again in %.1f s%s", target, killedAtS, seconds(s0), parts));
        }
        sleepUntil(r0 + TimeUnit.SECONDS.toNanos(roundSeconds));
        return killed;
    }

    /** Starts what was killed; for everything, says when each part was ready (from the start of the restart). */
    private String restart(String target) throws Exception {
        if (!target.equals("all")) {
            startWithRetries(target);
            return "";
        }
        long s0 = System.nanoTime();
        List<String> ready = new java.util.concurrent.CopyOnWriteArrayList<>();
        startWithRetries("postgres");
        ready.add(String.format("postgres %.1f s", seconds(s0)));
        startWithRetries("kafka");
        ready.add(String.format("kafka %.1f s", seconds(s0)));
        List<CompletableFuture<Void>> services = new ArrayList<>();
        for (String s : ChaosFleet.SERVICES) {
            services.add(fleet.start(s).whenComplete((x, e) -> ready.add(String.format("%s %.1f s", s, seconds(s0)))));
        }
        for (int i = 0; i < services.size(); i++) {
            try {
                services.get(i).get(ChaosFleet.READY_TIMEOUT_S, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.out.println("chaos: " + ChaosFleet.SERVICES.get(i) + " did not start (" + e.getMessage() + "); again");
                startWithRetries(ChaosFleet.SERVICES.get(i));
            }
        }
        return " (" + String.join(", ", ready) + ")";
    }

    /** A start may fail while a dependency recovers (PostgreSQL's crash recovery): up to 3 attempts. */
    private void startWithRetries(String part) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                fleet.start(part).get(ChaosFleet.READY_TIMEOUT_S, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (attempt == 3) throw e;
                System.out.println("chaos: " + part + " did not start (" + e.getMessage() + "); again");
                fleet.kill(part);
            }
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) TimeUnit.NANOSECONDS.sleep(left);
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** The client process (ChaosLoad), driven line by line on its stdin. */
    static final class Client implements AutoCloseable {
        private final Process process;
        private final Writer in;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>(10_000);

        private Client(Process process) {
            this.process = process;
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread.ofPlatform().daemon().name("client-out").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("READY") || line.startsWith("PAUSED")) lines.offer(line);
                        else if (!line.isBlank()) System.out.println("chaos client: " + line);
                    }
                } catch (java.io.IOException e) {
                    // the client is gone; awaiting it fails
                }
            });
        }

        /** The client starts setting up its accounts once the fleet is up (it retries registration until then). */
        static Client start(Path work, String gateway, String orderEntryWs, int rate, int accounts, long seed) throws Exception {
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-XX:+UseSerialGC",
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), ChaosLoad.class.getName(), gateway, orderEntryWs, work.toString(), String.valueOf(rate),
                    String.valueOf(accounts), String.valueOf(DRAIN_SECONDS), String.valueOf(seed));
            return new Client(new ProcessBuilder(cmd).redirectError(work.resolve("logs").resolve("client.err").toFile()).start());
        }

        void awaitReady() throws Exception {
            String line = lines.poll(300, TimeUnit.SECONDS);
            if (line == null || !line.startsWith("READY")) throw new IllegalStateException("the client did not start: " + line);
        }

        void send(String command) throws Exception {
            in.write(command + "\n");
            in.flush();
        }

        String pause() throws Exception {
            send("pause");
            String line = lines.poll(DRAIN_SECONDS + 60, TimeUnit.SECONDS);
            if (line == null) throw new IllegalStateException("the client did not answer pause");
            return line.substring("PAUSED ".length());
        }

        @Override
        public void close() {
            try {
                send("stop");
                if (!process.waitFor(DRAIN_SECONDS + 30, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }
    }
}
