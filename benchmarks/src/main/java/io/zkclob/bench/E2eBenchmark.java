package io.zkclob.bench;

import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.launcher.Launcher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;

/**
 * The end-to-end load benchmark: the whole fleet on the embedded default, signed orders from many accounts
 * through the gateway at a constant rate. Latency is measured from each order's intended send time
 * (HdrHistogram), so queueing is not hidden by coordinated omission: order-to-ack (HTTP 202, the command is in
 * the log) and order-to-trade (the TradeExecuted of a crossing order seen on exchange.trades). Afterwards the
 * ledger's conservation check and the block chain are checked.
 *
 * <pre>E2eBenchmark [ordersPerSecond] [seconds] [accounts]</pre>
 */
public final class E2eBenchmark {
    record Trader(long id, KeyPair keys) {}

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int accounts = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        var data = Files.createTempDirectory("zkclob-e2e-bench");
        Launcher.Ports ports = new Launcher.Ports(35432, 39092, 38080, 38082, 38083, 38084, 38085, 38086);
        try (Launcher fleet = new Launcher(data, ports)) {
            fleet.start();
            run(fleet, "http://127.0.0.1:" + ports.gateway() + "/api/v1", rate, seconds, accounts);
        }
        System.exit(0);
    }

    static void run(Launcher fleet, String base, int rate, int seconds, int accounts) throws Exception {
        HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<Trader> traders = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            KeyPair k = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] x509 = k.getPublic().getEncoded();
            String pub = Base64.getEncoder().encodeToString(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
            JsonNode r = MessageJson.MAPPER.readTree(http.send(post(base + "/accounts", "{\"publicKey\":\"" + pub + "\"}", null), 
                    HttpResponse.BodyHandlers.ofString()).body());
            Trader t = new Trader(r.get("accountId").asLong(), k);
            traders.add(t);
            for (String asset : List.of("USDT:10000000", "ETH:10000")) {
                String[] a = asset.split(":");
                http.send(post(base + "/admin/deposits", "{\"accountId\":" + t.id() + ",\"asset\":\"" + a[0] + "\",\"amount\":\""
                        + a[1] + "\",\"externalId\":" + (t.id() * 10 + a[0].length()) + "}", Map.of("X-Operator-Key", "dev-operator-key")),
                        HttpResponse.BodyHandlers.ofString());
            }
        }
        Thread.sleep(3_000); // deposits applied

        Histogram ack = new SynchronizedHistogram(TimeUnit.MINUTES.toNanos(5), 3);
        Histogram trade = new SynchronizedHistogram(TimeUnit.MINUTES.toNanos(5), 3);
        Map<Long, Long> intendedByOrder = new ConcurrentHashMap<>();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong trades = new AtomicLong();
        Thread tradeWatcher = Thread.ofPlatform().start(() -> watchTrades(fleet.kafkaBootstrap(), intendedByOrder, trade, trades));

        SplittableRandom rnd = new SplittableRandom(7);
        long total = (long) rate * seconds;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        long intervalNanos = 1_000_000_000L / rate;
        var sender = Executors.newVirtualThreadPerTaskExecutor();
        for (long i = 0; i < total; i++) {
            long intended = start + i * intervalNanos;
            long sleep = intended - System.nanoTime();
            if (sleep > 0) TimeUnit.NANOSECONDS.sleep(sleep);
            Trader t = traders.get(rnd.nextInt(traders.size()));
            boolean buy = rnd.nextBoolean();
            int ticks = 300_000 + (buy ? 1 : -1) * (rnd.nextInt(40) - 30); // about a quarter cross
            String body = "{\"market\":\"ETH-USDT\",\"side\":\"" + (buy ? "BUY" : "SELL") + "\",\"type\":\"LIMIT\",\"price\":\""
                    + (ticks / 100) + "." + String.format("%02d", ticks % 100) + "\",\"qty\":\"0.0" + (1 + rnd.nextInt(9)) + "\"}";
            HttpRequest req = signed(base, t, body);
            sender.submit(() -> {
                try {
                    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                    long now = System.nanoTime();
                    ack.recordValue(now - intended);
                    if (r.statusCode() == 202) {
                        ok.incrementAndGet();
                        intendedByOrder.put(MessageJson.MAPPER.readTree(r.body()).get("orderId").asLong(), intended);
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
                return null;
            });
        }
        sender.shutdown();
        sender.awaitTermination(5, TimeUnit.MINUTES);
        double elapsed = (System.nanoTime() - start) / 1e9;
        Thread.sleep(5_000); // let trades drain
        tradeWatcher.interrupt();
        JsonNode conservation = MessageJson.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(
                base.replace(":" + fleet.ports().gateway() + "/api/v1", ":" + fleet.ports().ledger()) + "/internal/ledger/conservation")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        JsonNode latest = MessageJson.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/blocks/latest")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        System.out.printf("offered %d orders/s for %d s: %d acknowledged, %d refused or failed, %d trades seen, latest block %d%n",
                rate, seconds, ok.get(), failed.get(), trades.get(), latest.path("height").asLong());
        System.out.printf("e2e orders/s: %d  ack p50: %.1f ms  p99: %.1f ms  p99.9: %.1f ms  trade p99: %.1f ms  conservation: %s%n",
                Math.round(ok.get() / elapsed), ack.getValueAtPercentile(50) / 1e6, ack.getValueAtPercentile(99) / 1e6,
                ack.getValueAtPercentile(99.9) / 1e6, trade.getValueAtPercentile(99) / 1e6,
                conservation.path("ok").asBoolean() ? "ok" : "BROKEN");
    }

    static void watchTrades(String bootstrap, Map<Long, Long> intendedByOrder, Histogram trade, AtomicLong trades) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(Topics.TRADES));
            while (!Thread.currentThread().isInterrupted()) {
                for (var r : c.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    long taker = MessageJson.MAPPER.readTree(r.value()).get("takerOrderId").asLong();
                    Long intended = intendedByOrder.get(taker);
                    trades.incrementAndGet();
                    if (intended != null) trade.recordValue(Math.max(0, now - intended));
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // done
        }
    }

    static HttpRequest post(String url, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers != null) headers.forEach(b::header);
        return b.build();
    }

    static HttpRequest signed(String base, Trader t, String body) throws Exception {
        long ts = System.currentTimeMillis();
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(t.keys().getPrivate());
        s.update((ts + "\nPOST\n/api/v1/orders\n" + body).getBytes(StandardCharsets.UTF_8));
        return post(base + "/orders", body, Map.of("X-Account-Id", String.valueOf(t.id()), "X-Timestamp", String.valueOf(ts),
                "X-Signature", Base64.getEncoder().encodeToString(s.sign())));
    }
}
