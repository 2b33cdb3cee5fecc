package io.zkclob.bench;

import io.zkclob.contracts.json.MessageJson;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import tools.jackson.databind.JsonNode;

/**
 * The crash test's client (scripts/chaos), in its own process so that it outlives every kill: signed limit orders
 * ({@code POST /api/v1/orders}), each with a clientOrderId unique in its account, at a steady rate; a request
 * whose answer is not an acknowledgement ({@code 202} with an orderId) for a reason a retry can help (no
 * connection, a timeout, a 5xx, {@code 401 STALE_REQUEST} after a gateway restart, {@code 409}, {@code 429}) is
 * signed again and retried with the same clientOrderId until acknowledged.
 *
 * <p>The engine remembers an account's last 64 accepted client order ids (docs/api.md), so a retry is safe only
 * before the account has placed 64 more: an account whose oldest unacknowledged order is {@link #RETRY_WINDOW}
 * ids behind places nothing new until that one is acknowledged.
 *
 * <p>Driven by the harness on stdin: {@code resume} (send), {@code pause} (send nothing new, retry until every
 * order is acknowledged or {@code drainSeconds} pass, append the acknowledgements to {@code acks.tsv}, answer
 * {@code PAUSED ...}), {@code stop}. Writes {@code accounts.tsv} (account id, base64 secret key) for the
 * harness's signed reads.
 *
 * <pre>ChaosLoad gatewayBase workDir ordersPerSecond accounts drainSeconds seed</pre>
 */
public final class ChaosLoad {
    static final int RETRY_WINDOW = 32;
    /** Requests in flight at once; past it a new order waits for its tick to come round again (deferred). */
    static final int MAX_IN_FLIGHT = 2_000;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    static final class Account {
        final long id;
        final byte[] secretKey;
        long nextClientOrderId = 1;
        /** clientOrderIds sent and not yet acknowledged (or given up as refused). */
        final TreeSet<Long> unacknowledged = new TreeSet<>();

        Account(long id, byte[] secretKey) {
            this.id = id;
            this.secretKey = secretKey;
        }

        synchronized boolean mayPlace() {
            return unacknowledged.isEmpty() || nextClientOrderId - unacknowledged.first() < RETRY_WINDOW;
        }
    }

    /** One order until acknowledged: the same body (and clientOrderId) on every attempt, signed anew each time. */
    record Pending(Account account, long clientOrderId, String body, int attempt) {
        Pending next() {
            return new Pending(account, clientOrderId, body, attempt + 1);
        }
    }

    private final String base;
    private final Path workDir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(3)).build();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ConcurrentLinkedQueue<String> ackLines = new ConcurrentLinkedQueue<>();
    private final Map<String, Long> retryCauses = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong deferred = new AtomicLong();
    private final AtomicLong outstanding = new AtomicLong();
    private volatile boolean paused = true;

    ChaosLoad(String base, Path workDir) {
        this.base = base;
        this.workDir = workDir;
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        Path work = Path.of(args[1]);
        int rate = Integer.parseInt(args[2]);
        int accounts = Integer.parseInt(args[3]);
        int drainSeconds = Integer.parseInt(args[4]);
        long seed = Long.parseLong(args[5]);
        ChaosHarness.quietLogs();
        ChaosLoad load = new ChaosLoad(base, work);
        List<Account> all = load.setUp(accounts);
        System.out.println("READY accounts=" + all.size());
        System.out.flush();
        Thread.ofPlatform().daemon().name("chaos-load").start(() -> load.sendSteadily(all, rate, seed));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.trim()) {
                case "resume" -> load.paused = false;
                case "pause" -> System.out.println(load.pauseAndDrain(drainSeconds));
                case "stop" -> {
                    System.out.println(load.pauseAndDrain(drainSeconds));
                    System.out.flush();
                    System.exit(0);
                }
                default -> System.out.println("unknown command " + line);
            }
            System.out.flush();
        }
        System.exit(0); // the harness is gone
    }

    /** Registers the accounts and funds them (10,000,000 USDT and 10,000 ETH each); waits until the last can trade. */
    List<Account> setUp(int accounts) throws Exception {
        SecureRandom random = new SecureRandom();
        List<Account> all = new ArrayList<>();
        StringBuilder tsv = new StringBuilder();
        for (int i = 0; i < accounts; i++) {
            byte[] sk = new byte[32];
            Ed25519.generatePrivateKey(random, sk);
            byte[] pk = new byte[32];
            Ed25519.generatePublicKey(sk, 0, pk, 0);
            HttpResponse<String> r = http.send(post("/accounts", "{\"publicKey\":\"" + Base64.getEncoder().encodeToString(pk) + "\"}",
                    Map.of()), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) throw new IllegalStateException("registration refused: " + r.statusCode() + " " + r.body());
            Account a = new Account(MessageJson.MAPPER.readTree(r.body()).get("accountId").asLong(), sk);
            all.add(a);
            tsv.append(a.id).append('\t').append(Base64.getEncoder().encodeToString(sk)).append('\n');
            for (String asset : List.of("USDT:10000000", "ETH:10000")) {
                String[] x = asset.split(":");
                HttpResponse<String> d = http.send(post("/admin/deposits", "{\"accountId\":" + a.id + ",\"asset\":\"" + x[0]
                        + "\",\"amount\":\"" + x[1] + "\",\"externalId\":" + (a.id * 10 + x[0].length()) + "}",
                        Map.of("X-Operator-Key", "dev-operator-key")), HttpResponse.BodyHandlers.ofString());
                if (d.statusCode() != 202) throw new IllegalStateException("deposit refused: " + d.statusCode() + " " + d.body());
            }
        }
        Files.writeString(workDir.resolve("accounts.tsv"), tsv);
        Account last = all.get(all.size() - 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            HttpResponse<String> b = http.send(signed(last, "GET", "/balances", ""), HttpResponse.BodyHandlers.ofString());
            if (b.statusCode() == 200 && b.body().contains("\"ETH\"")) break;
            if (System.nanoTime() > deadline) throw new IllegalStateException("deposits not visible within 120 s: " + b.body());
            Thread.sleep(200);
        }
        return all;
    }

    /** One new order per tick, round robin over the accounts that may place (see {@link #RETRY_WINDOW}). */
    void sendSteadily(List<Account> accounts, int rate, long seed) {
        E2eBenchmark.OrderMix mix = new E2eBenchmark.OrderMix(new SplittableRandom(seed));
        long intervalNanos = 1_000_000_000L / rate;
        long next = System.nanoTime();
        int cursor = 0;
        try {
            while (true) {
                long sleep = next - System.nanoTime();
                if (sleep > 0) TimeUnit.NANOSECONDS.sleep(sleep);
                next += intervalNanos;
                if (paused) {
                    next = System.nanoTime() + intervalNanos; // a steady rate from resume on, no burst to catch up
                    continue;
                }
                Account chosen = null;
                for (int tries = 0; tries < accounts.size() && chosen == null; tries++) {
                    Account a = accounts.get(cursor++ % accounts.size());
                    if (a.mayPlace()) chosen = a;
                }
                if (chosen == null || !inFlight.tryAcquire()) {
                    deferred.incrementAndGet();
                    continue;
                }
                long cid;
                synchronized (chosen) {
                    cid = chosen.nextClientOrderId++;
                    chosen.unacknowledged.add(cid);
                }
                outstanding.incrementAndGet();
                String order = mix.next();
                String body = order.substring(0, order.length() - 1) + ",\"clientOrderId\":" + cid + "}";
                send(new Pending(chosen, cid, body, 1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends one attempt; the caller holds an in-flight permit. */
    private void send(Pending p) {
        sent.incrementAndGet();
        HttpRequest request = signed(p.account(), "POST", "/orders", p.body());
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
            inFlight.release();
            try {
                answered(p, r, e);
            } catch (RuntimeException x) {
                retryLater(p, "client " + x.getClass().getSimpleName());
            }
        });
    }

    private void answered(Pending p, HttpResponse<String> r, Throwable e) {
        if (e != null) {
            retryLater(p, e.getClass().getSimpleName());
            return;
        }
        int status = r.statusCode();
        if (status == 202) {
            JsonNode body = MessageJson.MAPPER.readTree(r.body());
            long orderId = body.get("orderId").asLong();
            boolean duplicate = body.path("duplicate").asBoolean(false);
            ackLines.add(p.account().id + "\t" + p.clientOrderId() + "\t" + orderId + "\t" + duplicate + "\t" + p.attempt() + "\n");
            done(p);
            acked.incrementAndGet();
            return;
        }
        String code = E2eBenchmark.code(r.body());
        boolean retryable = status >= 500 || status == 429 || status == 409 || (status == 401 && code.equals("STALE_REQUEST"));
        if (retryable) {
            retryLater(p, status + " " + code);
        } else {
            // A refusal a retry cannot change (a 4xx the order itself caused): not acknowledged, not retried.
            refused.incrementAndGet();
            retryCauses.merge("refused " + status + " " + code, 1L, Long::sum);
            done(p);
        }
    }

    private void done(Pending p) {
        synchronized (p.account()) {
            p.account().unacknowledged.remove(p.clientOrderId());
        }
        outstanding.decrementAndGet();
    }

    /** Backs off 100 ms doubling to 2 s (jittered), then sends the same order again, signed with a new timestamp. */
    private void retryLater(Pending p, String cause) {
        retried.incrementAndGet();
        retryCauses.merge(cause, 1L, Long::sum);
        long delayMs = Math.min(2_000, 100L << Math.min(p.attempt() - 1, 5));
        delayMs = delayMs / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(delayMs / 2 + 1);
        retries.schedule(() -> {
            if (!inFlight.tryAcquire()) {
                retryLater(p, "client in-flight limit");
                return;
            }
            send(p.next());
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Stops new orders and waits until every sent one is acknowledged (or refused), at most {@code drainSeconds}. */
    String pauseAndDrain(int drainSeconds) throws Exception {
        paused = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) Thread.sleep(50);
        StringBuilder lines = new StringBuilder();
        for (String l; (l = ackLines.poll()) != null; ) lines.append(l);
        Files.writeString(workDir.resolve("acks.tsv"), lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        String causes = new java.util.TreeMap<>(retryCauses).toString();
        retryCauses.clear();
        return "PAUSED sent=" + sent.get() + " acked=" + acked.get() + " retried=" + retried.get() + " refused=" + refused.get()
                + " deferred=" + deferred.get() + " outstanding=" + outstanding.get() + " causes=" + causes;
    }

    HttpRequest post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .timeout(REQUEST_TIMEOUT).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return b.build();
    }

    /** A request signed as docs/api.md says: Ed25519 over timestamp, method, path and body. */
    HttpRequest signed(Account a, String method, String path, String body) {
        return signedRequest(base, a.id, a.secretKey, method, path, body, REQUEST_TIMEOUT);
    }

    static HttpRequest signedRequest(String base, long accountId, byte[] secretKey, String method, String path, String body,
                                     Duration timeout) {
        long ts = System.currentTimeMillis();
        byte[] message = (ts + "\n" + method + "\n/api/v1" + path + "\n" + body).getBytes(StandardCharsets.UTF_8);
        byte[] signature = new byte[64];
        Ed25519.sign(secretKey, 0, message, 0, message.length, signature, 0);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("X-Account-Id", String.valueOf(accountId)).header("X-Timestamp", String.valueOf(ts))
                .header("X-Signature", Base64.getEncoder().encodeToString(signature));
        if (method.equals("POST")) b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        else b.method(method, HttpRequest.BodyPublishers.noBody());
        return b.build();
    }
}
