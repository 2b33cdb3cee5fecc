package io.zkclob.bench;

import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.ServiceToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import tools.jackson.databind.JsonNode;

/**
 * The end-to-end load generator, in its own JVM, against a fleet already running in another (FleetMain, started
 * by scripts/bench). Signed limit orders from many accounts through the gateway's REST endpoint at a constant
 * rate; every order is built and signed before the run with its intended send time as its timestamp, so the
 * generator spends its CPU on sending. Latency is measured from each order's intended send time (HdrHistogram),
 * so queueing is never hidden (no coordinated omission): order-to-ack (HTTP 202, the order is in the log) and
 * order-to-trade (the TradeExecuted of a crossing order on exchange.trades). Afterwards the ledger's conservation
 * check. CPU seconds of the generator and of the fleet come from /proc/[pid]/stat.
 *
 * <pre>E2eBenchmark fleetPid ws|rest|batch                   [ordersPerSecond] [seconds] [accounts]
 * E2eBenchmark fleetPid step|step-ws|step-rest|step-batch [firstRate] [stepSeconds] [accounts] [p99LimitMs]</pre>
 * ws (the default; step = step-ws): one order per message on a logged-on WebSocket session per account
 * ({@code /api/v1/ws} on the gateway's event-loop port; {@code E2E_WS_PORT=21080}: Tomcat's), 2,000/s first, steps of 60 s adding 2,000/s, p99 limit 25 ms; rest: one signed
 * {@code POST /orders} per order; batch: 10 orders of one account per signed {@code POST /orders/batch} (both on the
 * order-entry port, which serves them beside /api/v1/ws; {@code E2E_REST_PORT=21080}: Tomcat's); latency is counted
 * for each order in every mode.
 */
public final class E2eBenchmark {
    static final String BASE = "http://127.0.0.1:" + FleetMain.PORTS.gateway() + "/api/v1";
    static final String LEDGER = "http://127.0.0.1:" + FleetMain.PORTS.ledger();
    static final String KAFKA = "127.0.0.1:" + FleetMain.PORTS.kafka();
    /** The fleet's token for the ledger's internal endpoints (FleetMain's, or SERVICE_TOKEN for both). */
    static final String SERVICE_TOKEN = FleetMain.SERVICE_TOKEN;

    record Trader(long id, byte[] secretKey) {}

    record Result(int offered, long acked, long failed, double ackRate, Histogram ack, Histogram trade, double generatorCpuS,
                  double fleetCpuS, double childrenCpuS, double wallS) {
        double p(Histogram h, double pct) {
            return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(pct) / 1e6;
        }
    }

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        long fleetPid = Long.parseLong(args[0]);
        if (args.length > 1 && Character.isDigit(args[1].charAt(0))) { // the old form: rate seconds accounts
            String[] shifted = new String[args.length + 1];
            shifted[0] = args[0];
            shifted[1] = "rest";
            System.arraycopy(args, 1, shifted, 2, args.length - 1);
            args = shifted;
        }
        String mode = args.length > 1 ? args[1] : "ws";
        if (mode.equals("step")) mode = "step-ws"; // the default mode's step
        boolean ws = mode.endsWith("ws");
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : ws ? 2_000 : 500;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : ws && mode.startsWith("step") ? 60 : 20;
        int accounts = args.length > 4 ? Integer.parseInt(args[4]) : ws ? 100 : 500;
        double p99LimitMs = args.length > 5 ? Double.parseDouble(args[5]) : ws ? 25 : 50;
        // batch: 10 orders of one account per signed request (POST /orders/batch); rest: one order per request;
        // ws: one order per message on logged-on WebSocket sessions (one per account).
        int perRequest = mode.contains("batch") ? 10 : 1;
        String name = ws ? "ws" : perRequest == 1 ? "rest" : "batch";
        List<Trader> traders = setUp(accounts);
        Sessions sessions = ws ? Sessions.logon(traders) : null;
        double idle0 = cpuSeconds(fleetPid);
        Thread.sleep(5_000);
        System.out.printf("offered 0 orders/s for 5 s: fleet cpu %.1f s (%.0f %% of 2 cores, idle)%n", cpuSeconds(fleetPid) - idle0,
                100 * (cpuSeconds(fleetPid) - idle0) / 5 / 2);
        Watcher watcher = new Watcher();
        Thread.ofPlatform().daemon().start(watcher);
        // Warm-up (not counted): the fleet's JIT compiles the order path and pools fill. After 15 s at 500/s the
        // compiler threads still took a third of a core through the first measured step (session 6). One JVM holds the
        // broker and six services and compiles for minutes: after 60 s at 2,000/s they still took 0.20 cores of the
        // step at 4,000/s, after 120 s 0.06 (session 8). A venue runs for days: the steps measure it warm, 120 s.
        // E2E_WARMUP_S: another warm-up.
        int warmS = Integer.parseInt(System.getenv().getOrDefault("E2E_WARMUP_S", "120"));
        Result warm = ws ? runWs(sessions, Math.min(rate, 2_000), warmS, fleetPid, watcher, 0)
                : run(traders, Math.min(rate, 500), warmS, fleetPid, watcher, 0, perRequest);
        System.out.printf("warm-up: %d orders/s for %d s, ack p99 %.1f ms, fleet cpu %.1f s%n", warm.offered(), warmS,
                warm.p(warm.ack(), 99), warm.fleetCpuS());
        if (mode.startsWith("step")) {
            int held = 0;
            // E2E_STEP_MAX: the last rate to offer (a shorter curve when only its low end is wanted).
            int maxRate = Integer.parseInt(System.getenv().getOrDefault("E2E_STEP_MAX", ws ? "40000" : "8000"));
            boolean holding = true; // every step so far held
            for (int r = rate; ; r = ws ? r + rate : r < 1_000 ? r * 2 : r + 1_000) { // ws: steps of the first rate
                quiesce();
                GuestLag before = guestLag();
                Result res = ws ? runWs(sessions, r, seconds, fleetPid, watcher, r) : run(traders, r, seconds, fleetPid, watcher, r, perRequest);
                print(name, res, before);
                boolean holds = res.ackRate() >= 0.98 * r && res.failed() == 0 && res.p(res.ack(), 99) <= p99LimitMs;
                if (holds && holding) held = r;
                holding &= holds;
                // Past the limit, go on while the fleet keeps up (to show the curve), until it saturates or queues.
                boolean saturated = res.ackRate() < 0.95 * r || res.p(res.ack(), 99) > 1_000;
                if (saturated || r >= maxRate) break;
            }
            System.out.printf("e2e step (%s): highest rate that held ack p99 <= %.0f ms for %d s: %d orders/s%n", name, p99LimitMs, seconds, held);
        } else {
            quiesce();
            GuestLag before = guestLag();
            print(name, ws ? runWs(sessions, rate, seconds, fleetPid, watcher, 1) : run(traders, rate, seconds, fleetPid, watcher, 1, perRequest), before);
        }
        System.out.printf("e2e conservation: %s%n", conservation());
        System.exit(0);
    }

    static void print(String mode, Result r, GuestLag before) throws Exception {
        System.out.printf("offered %d orders/s for %.0f s: %d acknowledged, %d refused or failed; cpu: generator %.1f s, fleet JVM %.1f s"
                        + " (%.0f %% of 2 cores), its PostgreSQL and other child processes %.1f s%n", r.offered(), r.wallS(), r.acked(),
                r.failed(), r.generatorCpuS(), r.fleetCpuS(), 100 * r.fleetCpuS() / r.wallS() / 2, r.childrenCpuS());
        System.out.printf("e2e mode: %s  orders/s: %d  ack p50: %.1f ms  p99: %.1f ms  p99.9: %.1f ms  trade p99: %.1f ms  conservation: %s%n",
                mode, Math.round(r.ackRate()), r.p(r.ack(), 50), r.p(r.ack(), 99), r.p(r.ack(), 99.9), r.p(r.trade(), 99), conservation());
        System.out.println(guestLag().describe(before));
    }

    /**
     * How far the prover's guest execution is behind the sealed chain, from the public proof status: blocks sealed and
     * not yet executed in the SP1 guest, how long the oldest of them has waited, and the counts executed and proven.
     * Zeros where the status could not be read ({@code error} says why).
     */
    record GuestLag(long sealed, long lagSeconds, long executed, long proven, String error) {
        /** The oldest unexecuted block's wait up to which the guest counts as keeping up. */
        static final long KEEPS_UP_S = 10;

        /** The line printed at a step's end; {@code before} (read as the step began) tells whether the guest kept up. */
        String describe(GuestLag before) {
            if (error != null) return "e2e guest execution lag: unknown (" + error + ")";
            String line = "e2e guest execution lag: " + sealed + " blocks sealed not yet executed (the oldest waiting " + lagSeconds + " s), "
                    + executed + " executed, " + proven + " proven";
            if (before.error != null) return line;
            long grew = sealed - before.sealed;
            // A block is executed within seconds of its sealing when the guest keeps up. Past that, a backlog that grew
            // through the step means the guest executes blocks more slowly than they are sealed at this rate.
            if (lagSeconds <= KEEPS_UP_S) return line + "; the guest keeps up at this rate";
            return line + (grew > 0 ? "; the guest does not keep up at this rate (+" + grew + " blocks behind in the step)"
                    : "; the guest is catching up (" + -grew + " blocks fewer behind than at the step's start)");
        }
    }

    static GuestLag guestLag() {
        try {
            JsonNode s = MessageJson.MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/proofs/status")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            return new GuestLag(s.path("blocksSEALED").asLong(), s.path("executionLagSeconds").asLong(), s.path("blocksEXECUTED").asLong(),
                    s.path("blocksPROVEN").asLong(), null);
        } catch (Exception e) {
            return new GuestLag(0, 0, 0, 0, e.getMessage());
        }
    }

    /** Registers the accounts and funds them; waits until the ledger shows the last deposit. */
    static List<Trader> setUp(int accounts) throws Exception {
        SecureRandom random = new SecureRandom();
        List<Trader> traders = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            byte[] sk = new byte[32];
            Ed25519.generatePrivateKey(random, sk);
            byte[] pk = new byte[32];
            Ed25519.generatePublicKey(sk, 0, pk, 0);
            JsonNode r = MessageJson.MAPPER.readTree(HTTP.send(post(BASE + "/accounts", "{\"publicKey\":\""
                    + Base64.getEncoder().encodeToString(pk) + "\"}", Map.of()), HttpResponse.BodyHandlers.ofString()).body());
            Trader t = new Trader(r.get("accountId").asLong(), sk);
            traders.add(t);
            for (String asset : List.of("USDT:10000000", "ETH:10000")) {
                String[] a = asset.split(":");
                HTTP.send(post(BASE + "/admin/deposits", "{\"accountId\":" + t.id() + ",\"asset\":\"" + a[0] + "\",\"amount\":\""
                        + a[1] + "\",\"externalId\":" + (t.id() * 10 + a[0].length()) + "}", Map.of("X-Operator-Key", "dev-operator-key")),
                        HttpResponse.BodyHandlers.ofString());
            }
        }
        long last = traders.get(traders.size() - 1).id();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!HTTP.send(HttpRequest.newBuilder(URI.create(LEDGER + "/internal/ledger/accounts/" + last + "/balances")).header(ServiceToken.HEADER, SERVICE_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body().contains("\"assetId\":1")) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("deposits not applied within 60 s");
            Thread.sleep(200);
        }
        Thread.sleep(1_000); // the gateway's funds view follows the same log
        return traders;
    }

    /** One constant-rate run: pre-sign, then send on schedule, each response recorded against its intended time. */
    static Result run(List<Trader> traders, int rate, int seconds, long fleetPid, Watcher watcher, long seed, int perRequest)
            throws Exception {
        int total = rate * seconds / perRequest * perRequest;
        long intervalNanos = 1_000_000_000L * perRequest / rate; // between requests
        // Orders carry their intended send time as X-Timestamp: sign them all first, then start the clock.
        long signNanosEstimate = (long) total / perRequest * 150_000 + total * 20_000L;
        long startWallMs = System.currentTimeMillis() + 1_000 + signNanosEstimate / 1_000_000;
        long startNanos = System.nanoTime() + (startWallMs - System.currentTimeMillis()) * 1_000_000;
        SplittableRandom rnd = new SplittableRandom(seed);
        HttpLoad rest = restLoad();
        // Request i, signed before the clock starts, goes out at intendedNanos[i].
        byte[][] requests = new byte[total / perRequest][];
        long[] intendedNanos = new long[requests.length];
        OrderMix mix = new OrderMix(rnd);
        // Each account's timestamps increase: two orders of one account in the same millisecond with the same body
        // would be the same signed request, which the gateway rightly refuses as REPLAYED_REQUEST (once a run at
        // 3,000/s in sessions 15-18).
        Map<Long, Long> lastTs = new java.util.HashMap<>();
        for (int i = 0; i < requests.length; i++) {
            Trader t = traders.get(rnd.nextInt(traders.size()));
            List<String> bodies = new ArrayList<>(perRequest);
            for (int k = 0; k < perRequest; k++) bodies.add(mix.next());
            intendedNanos[i] = startNanos + i * intervalNanos;
            long ts = Math.max(startWallMs + i * intervalNanos / 1_000_000, lastTs.getOrDefault(t.id(), Long.MIN_VALUE) + 1);
            lastTs.put(t.id(), ts);
            requests[i] = perRequest == 1 ? signedBytes(rest, t, "/orders", bodies.get(0), ts)
                    : signedBytes(rest, t, "/orders/batch", "{\"orders\":[" + String.join(",", bodies) + "]}", ts);
        }
        if (startNanos - System.nanoTime() > 500_000_000L) settleHeap();
        if (System.nanoTime() > startNanos) throw new IllegalStateException("signing took longer than estimated; lower the rate");

        Histogram ack = new SynchronizedHistogram(TimeUnit.MINUTES.toNanos(5), 3);
        Histogram trade = new SynchronizedHistogram(TimeUnit.MINUTES.toNanos(5), 3);
        watcher.reset(trade, total);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong lastAckNanos = new AtomicLong();
        Map<String, Integer> refusals = new ConcurrentHashMap<>();
        Timeline timeline = new Timeline(seconds);
        while (System.nanoTime() < startNanos) Thread.sleep(1);
        double cpuGen0 = cpuSeconds(ProcessHandle.current().pid());
        double cpuFleet0 = cpuSeconds(fleetPid);
        double cpuChildren0 = childrenCpuSeconds(fleetPid);
        // Sent and answered on the load's one thread, each request at its intended time (HttpLoad).
        rest.send(new HttpLoad.Plan(requests, intendedNanos, (index, r, e) -> {
                long intended = intendedNanos[index];
                long now = System.nanoTime();
                ack.recordValueWithCount(Math.max(0, now - intended), perRequest);
                timeline.record(intended - startNanos, now - intended);
                lastAckNanos.accumulateAndGet(now, Math::max);
                if (e == null && perRequest > 1 && r.status() == 200) {
                    for (JsonNode one : MessageJson.MAPPER.readTree(r.body()).get("results")) {
                        if (one.get("httpStatus").asInt() == 202) {
                            ok.incrementAndGet();
                            watcher.expect(one.get("orderId").asLong(), intended);
                        } else {
                            failed.incrementAndGet();
                            refusals.merge(one.get("httpStatus").asInt() + " " + one.path("code").asString(), 1, Integer::sum);
                        }
                    }
                } else if (e == null && r.status() == 202) {
                    ok.incrementAndGet();
                    watcher.expect(MessageJson.MAPPER.readTree(r.body()).get("orderId").asLong(), intended);
                } else {
                    failed.addAndGet(perRequest);
                    refusals.merge(e != null ? e.getClass().getSimpleName() : r.status() + " " + code(r.body()), 1, Integer::sum);
                }
            }, new java.util.concurrent.CountDownLatch(1)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ok.get() + failed.get() < total && System.nanoTime() < deadline) Thread.sleep(10);
        double wall = (Math.max(lastAckNanos.get(), intendedNanos[intendedNanos.length - 1]) - startNanos) / 1e9;
        double cpuGen = cpuSeconds(ProcessHandle.current().pid()) - cpuGen0;
        double cpuFleet = cpuSeconds(fleetPid) - cpuFleet0;
        double cpuChildren = childrenCpuSeconds(fleetPid) - cpuChildren0;
        if (!refusals.isEmpty()) System.out.println("offered " + rate + " orders/s: refused or failed by cause " + refusals);
        timeline.print(rate, startWallMs);
        Thread.sleep(2_000); // trades of the last orders
        return new Result(rate, ok.get(), total - ok.get(), ok.get() / wall, ack, trade, cpuGen,
                cpuFleet, cpuChildren, wall);
    }

    /**
     * The orders of every mode: pairs of limit orders at one of five prices around 3000, a buy then a sell of the
     * same quantity, so about every second order trades (as the taker) and the book stays a few levels deep
     * whatever the rate and the duration (a mix where most orders rest would grow the book, and hit the engine's
     * open-order limit per account, with the rate).
     */
    static final class OrderMix {
        private final SplittableRandom rnd;
        private String pairPrice;
        private String pairQty;
        private boolean sellNext;

        OrderMix(SplittableRandom rnd) {
            this.rnd = rnd;
        }

        /** The next order's REST body (also the WebSocket order.place params). */
        String next() {
            if (!sellNext) {
                int ticks = 300_000 + rnd.nextInt(5) - 2;
                pairPrice = (ticks / 100) + "." + String.format("%02d", ticks % 100);
                pairQty = "0.0" + (1 + rnd.nextInt(9));
            }
            String side = sellNext ? "SELL" : "BUY";
            sellNext = !sellNext;
            return "{\"market\":\"ETH-USDT\",\"side\":\"" + side + "\",\"type\":\"LIMIT\",\"price\":\"" + pairPrice
                    + "\",\"qty\":\"" + pairQty + "\"}";
        }
    }

    /**
     * Waits (at most 120 s) until exchange.events stops growing: the previous step's backlog (matcher,
     * projections) is worked off before the next step starts, so each step is measured on its own.
     */
    static void quiesce() throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        org.apache.kafka.common.TopicPartition events = new org.apache.kafka.common.TopicPartition(Topics.EVENTS, 0);
        long t0 = System.nanoTime();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            long last = -1;
            int still = 0;
            while (still < 3 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(120)) {
                long end = c.endOffsets(List.of(events)).get(events);
                still = end == last ? still + 1 : 0;
                last = end;
                Thread.sleep(500);
            }
        }
        double waitedS = (System.nanoTime() - t0) / 1e9;
        if (waitedS > 3) System.out.printf("offered 0 orders/s: %.0f s until the previous step's backlog was worked off%n", waitedS);
    }

    /**
     * One logged-on WebSocket session per account (/api/v1/ws). Responses are matched to orders by request id
     * (the order's index in its step); the fields the generator needs are read without a JSON parser, to spend
     * the generator's CPU on sending and receiving. Execution reports are skipped undecoded by {@link WsLoad} (the
     * trade latency comes from exchange.trades, as in the other modes).
     */
    static final class Sessions {
        static final String WS_PATH = "/api/v1/ws";
        /**
         * The gateway's own event loop (gateway.ws.port) unless {@code E2E_WS_PORT} names another: the HTTP port
         * ({@code FleetMain.PORTS.gateway()}, 21080) serves the same protocol through Tomcat, for before/after.
         */
        static final int WS_PORT = Integer.parseInt(System.getenv().getOrDefault("E2E_WS_PORT", String.valueOf(FleetMain.PORTS.gatewayWs())));
        final WsLoad load;
        volatile Step step;

        /** One step's bookkeeping: intended send time by request id, and the histograms. */
        record Step(long[] intendedNanos, Histogram ack, AtomicLong ok, AtomicLong failed, AtomicLong lastAckNanos,
                    Map<String, Integer> refusals, Watcher watcher, Timeline timeline) {}

        private Sessions() throws java.io.IOException {
            this.load = new WsLoad(this::received);
        }

        static Sessions logon(List<Trader> traders) throws Exception {
            Sessions sessions = new Sessions();
            for (Trader t : traders) {
                long ts = System.currentTimeMillis();
                byte[] message = (ts + "\nGET\n/api/v1/ws\n").getBytes(StandardCharsets.UTF_8);
                byte[] signature = new byte[64];
                Ed25519.sign(t.secretKey(), 0, message, 0, message.length, signature, 0);
                String answer = sessions.load.connect("127.0.0.1", WS_PORT, WS_PATH, "{\"id\":\"logon\",\"method\":\"session.logon\",\"params\":{\"accountId\":"
                        + t.id() + ",\"timestamp\":" + ts + ",\"signature\":\"" + Base64.getEncoder().encodeToString(signature) + "\"}}");
                if (!answer.contains("\"status\":200")) throw new IllegalStateException("logon refused: " + answer);
            }
            sessions.load.start();
            return sessions;
        }

        void received(String text) {
            if (!text.startsWith("{\"id\":")) return; // an execution report
            int idEnd = text.indexOf(',', 6);
            long id;
            try {
                id = Long.parseLong(text, 6, idEnd, 10);
            } catch (NumberFormatException e) {
                return; // the logon's
            }
            Step st = step;
            if (st == null || id < 0 || id >= st.intendedNanos().length) return;
            long now = System.nanoTime();
            long intended = st.intendedNanos()[(int) id];
            st.ack().recordValue(Math.max(0, now - intended));
            st.timeline().record(intended - st.intendedNanos()[0], now - intended);
            st.lastAckNanos().accumulateAndGet(now, Math::max);
            int status = Integer.parseInt(text, idEnd + 10, idEnd + 13, 10); // ,"status":NNN
            if (status == 202) {
                st.ok().incrementAndGet();
                st.watcher().expect(longField(text, "\"orderId\":"), intended);
            } else {
                st.failed().incrementAndGet();
                st.refusals().merge(status + " " + code(text), 1, Integer::sum);
            }
        }
    }

    /**
     * Where in a step the slow acknowledgements were: per 100 ms of intended send time, how many took over 25 ms and
     * the slowest. A tail spread over the whole step is queueing for cores; one in a few windows is a stall.
     */
    static final class Timeline {
        static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
        final java.util.concurrent.atomic.AtomicLongArray slow;
        final java.util.concurrent.atomic.AtomicLongArray max;

        Timeline(int seconds) {
            slow = new java.util.concurrent.atomic.AtomicLongArray(seconds * 10 + 1);
            max = new java.util.concurrent.atomic.AtomicLongArray(seconds * 10 + 1);
        }

        void record(long sinceStartNanos, long latencyNanos) {
            int w = (int) Math.min(slow.length() - 1, Math.max(0, sinceStartNanos / 100_000_000L));
            if (latencyNanos > SLOW_NANOS) slow.incrementAndGet(w);
            max.accumulateAndGet(w, latencyNanos, Math::max);
        }

        void print(int rate, long startEpochMs) {
            int windows = slow.length(), withSlow = 0;
            long slowTotal = 0;
            Integer[] order = new Integer[windows];
            for (int i = 0; i < windows; i++) {
                order[i] = i;
                slowTotal += slow.get(i);
                if (slow.get(i) > 0) withSlow++;
            }
            java.util.Arrays.sort(order, (a, b) -> Long.compare(slow.get(b), slow.get(a)));
            StringBuilder worst = new StringBuilder();
            for (int k = 0; k < Math.min(8, windows) && slow.get(order[k]) > 0; k++) {
                worst.append(String.format(" %.1fs:%d/%.0fms", order[k] / 10.0, slow.get(order[k]), max.get(order[k]) / 1e6));
            }
            // E2E_TIMELINE_DIR=dir: every window (start in epoch ms, acks over 25 ms, slowest ms) in dir/timeline-RATE.txt,
            // to set beside a profile or a scheduler trace of the same seconds.
            String dir = System.getenv("E2E_TIMELINE_DIR");
            if (dir != null) {
                StringBuilder all = new StringBuilder();
                for (int i = 0; i < windows; i++) {
                    all.append(startEpochMs + 100L * i).append(' ').append(slow.get(i)).append(' ').append(max.get(i) / 1_000_000).append('\n');
                }
                try {
                    java.nio.file.Files.writeString(java.nio.file.Path.of(dir, "timeline-" + rate + ".txt"), all);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            System.out.printf("e2e timeline %d/s (from %s): %d acks over 25 ms in %d of %d 100-ms windows; worst (start: slow/max):%s%n",
                    rate, java.time.Instant.ofEpochMilli(startEpochMs), slowTotal, withSlow, windows, worst);
        }
    }

    /** A constant-rate step on the WebSocket sessions: orders pre-built, latency from each one's intended send time. */
    static Result runWs(Sessions sessions, int rate, int seconds, long fleetPid, Watcher watcher, long seed) throws Exception {
        int total = rate * seconds;
        long intervalNanos = 1_000_000_000L / rate;
        SplittableRandom rnd = new SplittableRandom(seed);
        OrderMix mix = new OrderMix(rnd);
        // Each order's frame, masked for its connection, before the clock starts: the load's thread only writes.
        byte[][] frames = new byte[total][];
        int[] to = new int[total];
        long[] intended = new long[total];
        for (int i = 0; i < total; i++) {
            to[i] = rnd.nextInt(sessions.load.connections());
            frames[i] = sessions.load.frame(to[i], "{\"id\":" + i + ",\"method\":\"order.place\",\"params\":" + mix.next() + "}");
        }
        settleHeap();
        Histogram ack = new SynchronizedHistogram(TimeUnit.MINUTES.toNanos(5), 3);
        Histogram trade = new SynchronizedHistogram(TimeUnit.MINUTES.toNanos(5), 3);
        watcher.reset(trade, total);
        Sessions.Step st = new Sessions.Step(intended, ack, new AtomicLong(), new AtomicLong(), new AtomicLong(), new ConcurrentHashMap<>(), watcher,
                new Timeline(seconds));
        long startNanos = System.nanoTime() + 500_000_000L;
        long startEpochMs = System.currentTimeMillis() + 500; // to find a slow window in a profile taken meanwhile
        for (int i = 0; i < total; i++) intended[i] = startNanos + i * intervalNanos;
        sessions.step = st;
        double cpuGen0 = cpuSeconds(ProcessHandle.current().pid());
        double cpuFleet0 = cpuSeconds(fleetPid);
        double cpuChildren0 = childrenCpuSeconds(fleetPid);
        sessions.load.send(new WsLoad.Plan(to, frames, intended, new java.util.concurrent.CountDownLatch(1))); // from startNanos on
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (st.ok().get() + st.failed().get() < total && System.nanoTime() < deadline) Thread.sleep(10);
        double wall = (Math.max(st.lastAckNanos().get(), intended[total - 1]) - startNanos) / 1e9;
        double cpuGen = cpuSeconds(ProcessHandle.current().pid()) - cpuGen0;
        double cpuFleet = cpuSeconds(fleetPid) - cpuFleet0;
        double cpuChildren = childrenCpuSeconds(fleetPid) - cpuChildren0;
        st.timeline().print(rate, startEpochMs);
        if (!st.refusals().isEmpty()) System.out.println("offered " + rate + " orders/s: refused or failed by cause " + st.refusals());
        Thread.sleep(2_000); // trades of the last orders
        sessions.step = null;
        long ok = st.ok().get();
        return new Result(rate, ok, total - ok, ok / wall, ack, trade, cpuGen, cpuFleet, cpuChildren, wall);
    }

    /**
     * Starts a step with the generator's young generation empty and its pre-built orders (about 120 MB at 10,000/s for
     * 60 s) out of it, so that no collection pauses the generator inside the step: scripts/bench fixes the young
     * generation at 1.5 GiB, more than a 60 s step allocates below about 25,000/s. A pause there (30-75 ms every 15 s
     * at 10,000/s with -Xmx1g, session 19) stops both sending and reading, and every order due meanwhile was counted
     * late against the fleet. A full collection here takes 0.1-0.3 s, outside the measured time.
     */
    static void settleHeap() {
        System.gc();
    }

    static String code(String problem) {
        int i = problem.indexOf("\"code\":\"");
        return i < 0 ? "" : problem.substring(i + 8, problem.indexOf('"', i + 8));
    }

    /**
     * CPU of the fleet's child processes that are running (the embedded PostgreSQL's backends, a prover CLI): a
     * process that ends inside the step is missed, so this is a lower bound.
     */
    static double childrenCpuSeconds(long pid) {
        return ProcessHandle.of(pid).map(p -> Stream.concat(p.descendants(), postgres(p)).distinct().mapToDouble(d -> {
            try {
                return cpuSeconds(d.pid());
            } catch (Exception e) {
                return 0; // ended meanwhile
            }
        }).sum()).orElse(0.0);
    }

    /**
     * The fleet's PostgreSQL server and its backends: pg_ctl starts the server detached, so they are not the fleet's
     * descendants; the server is found by its data directory, inside the fleet's (FleetMain's last argument).
     */
    static Stream<ProcessHandle> postgres(ProcessHandle fleet) {
        String[] args;
        try { // ProcessHandle.Info's arguments are cut short on Linux (the classpath is long): the whole command line
            args = Files.readString(Path.of("/proc/" + fleet.pid() + "/cmdline")).split("\0");
        } catch (java.io.IOException e) {
            return Stream.empty();
        }
        String data = args[args.length - 1];
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().command().orElse("").endsWith("/postgres")
                        && h.info().commandLine().orElse("").contains(" -D " + data + "/"))
                .flatMap(server -> Stream.concat(Stream.of(server), server.descendants()));
    }

    /** utime + stime of a process, in seconds (fields 14 and 15 of /proc/[pid]/stat, in clock ticks of 1/100 s). */
    static double cpuSeconds(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    static String conservation() throws Exception {
        JsonNode c = MessageJson.MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(LEDGER + "/internal/ledger/conservation")).header(ServiceToken.HEADER, SERVICE_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        return c.path("ok").asBoolean() ? "ok" : "BROKEN";
    }

    /** Order-to-trade latency: the taker's TradeExecuted on exchange.trades. */
    static final class Watcher implements Runnable {
        private volatile Map<Long, Long> intendedByOrder = new ConcurrentHashMap<>();
        private volatile Histogram trade;

        /**
         * Before a step of {@code orders} orders: a map sized to hold them all. The load's one thread puts every
         * acknowledged order here (only a taker's trade removes it), and a map that grew during a step doubled its table
         * on that thread: at 10,000/s the resize to 2^20 buckets came 52.3 s into every step and stopped the load's
         * sends and reads for 40-90 ms (150-920 acknowledgements over 25 ms, counted against the fleet).
         */
        void reset(Histogram h, int orders) {
            Map<Long, Long> m = new ConcurrentHashMap<>(orders);
            m.put(-1L, 0L); // the table is allocated at the first put: here, not on the load's thread (no order id is negative)
            m.remove(-1L);
            intendedByOrder = m;
            trade = h;
        }

        void expect(long orderId, long intendedNanos) {
            intendedByOrder.put(orderId, intendedNanos);
        }

        @Override
        public void run() {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + System.nanoTime());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
                c.subscribe(List.of(Topics.TRADES));
                while (true) {
                    for (var r : c.poll(Duration.ofMillis(100))) {
                        long now = System.nanoTime();
                        Long intended = intendedByOrder.remove(longField(r.value(), "\"takerOrderId\":"));
                        Histogram h = trade;
                        if (intended != null && h != null) h.recordValue(Math.max(0, now - intended));
                    }
                }
            }
        }
    }

    /** The integer after {@code key} (a quoted name and its colon) in a message of ours: no JSON tree per trade. */
    static long longField(String json, String key) {
        int at = json.indexOf(key);
        if (at < 0) throw new IllegalArgumentException("no " + key + " in " + json);
        int from = at + key.length(), end = from;
        while (end < json.length() && (Character.isDigit(json.charAt(end)) || (end == from && json.charAt(end) == '-'))) end++;
        return Long.parseLong(json, from, end, 10);
    }

    static HttpRequest post(String url, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return b.build();
    }

    /**
     * The REST modes' connections: enough for the highest rates measured (at 3,000/s and 50 ms, 150 in flight), kept
     * open across steps. E2E_REST_CONNECTIONS overrides.
     */
    private static HttpLoad restLoad;
    /**
     * Where the REST modes send: the gateway's order-entry port (gateway.ws.port, its event loop serves POST
     * /api/v1/orders and /api/v1/orders/batch beside /api/v1/ws) unless {@code E2E_REST_PORT} names another: the HTTP
     * port ({@code FleetMain.PORTS.gateway()}, 21080) serves the same endpoints through Tomcat, for before/after.
     */
    static final int REST_PORT = Integer.parseInt(System.getenv().getOrDefault("E2E_REST_PORT", String.valueOf(FleetMain.PORTS.gatewayWs())));

    /** The REST modes' connections, served by one thread (HttpLoad), opened on first use and kept across steps. */
    static synchronized HttpLoad restLoad() throws java.io.IOException {
        if (restLoad == null) {
            restLoad = new HttpLoad("127.0.0.1", REST_PORT, Integer.parseInt(System.getenv().getOrDefault("E2E_REST_CONNECTIONS", "256")));
            System.out.println("e2e rest: signed POSTs to 127.0.0.1:" + REST_PORT + (REST_PORT == FleetMain.PORTS.gateway()
                    ? " (the HTTP port, Tomcat)" : " (the order-entry port, the gateway's event loop)"));
        }
        return restLoad;
    }

    /** A signed POST as the bytes {@link HttpLoad} writes. */
    static byte[] signedBytes(HttpLoad http, Trader t, String path, String body, long timestampMs) {
        byte[] message = (timestampMs + "\nPOST\n/api/v1" + path + "\n" + body).getBytes(StandardCharsets.UTF_8);
        byte[] signature = new byte[64];
        Ed25519.sign(t.secretKey(), 0, message, 0, message.length, signature, 0);
        return http.encode("POST", "/api/v1" + path, body, "X-Account-Id", String.valueOf(t.id()),
                "X-Timestamp", String.valueOf(timestampMs), "X-Signature", Base64.getEncoder().encodeToString(signature));
    }
}
