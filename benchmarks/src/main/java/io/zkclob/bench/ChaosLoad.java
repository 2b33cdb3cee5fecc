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
 * <p>Besides REST, a third of the accounts place and cancel over a logged-on WebSocket session ({@code /api/v1/ws},
 * {@code order.place}, {@code order.cancel}), reconnected and logged on again after each gateway restart; an
 * order sent on a session that closed before its answer is retried like a REST order. About one acknowledged order
 * in {@link #CANCEL_ONE_IN} is canceled (REST {@code DELETE /orders/{id}} or {@code order.cancel}, retried until
 * acknowledged: a second cancel of a closed order is only refused by the engine), and one tick in
 * {@link #WITHDRAW_EVERY_TICKS} is a signed {@code POST /withdrawals} of an amount unique to its account (1 USDT
 * plus n micro-USDT), so the check can tell each in the log. A withdrawal has no idempotency key: it is retried
 * only where it certainly did not reach the log (no connection, {@code 401}, {@code 429}, {@code 503
 * BACKEND_UNAVAILABLE}); any other failure is recorded as ambiguous (it may be in the log, at most once).
 *
 * <p>Driven by the harness on stdin: {@code resume} (send), {@code pause} (send nothing new, retry until every
 * order is acknowledged or {@code drainSeconds} pass, append the acknowledgements to {@code acks.tsv}, answer
 * {@code PAUSED ...}), {@code stop}. Writes {@code accounts.tsv} (account id, base64 secret key) for the
 * harness's signed reads, {@code acks.tsv} (account, clientOrderId, orderId, duplicate, attempts, channel),
 * {@code cancels.tsv} (account, orderId, seq, attempts, channel) and {@code withdrawals.tsv} (account, amount in
 * micro-USDT, seq or -1, attempts, ACK or AMBIGUOUS).
 *
 * <pre>ChaosLoad gatewayBase orderEntryWs workDir ordersPerSecond accounts drainSeconds seed</pre>
 * {@code orderEntryWs}: the WebSocket order entry's URI (the gateway's own event loop, {@code gateway.ws.port}).
 */
public final class ChaosLoad {
    static final int RETRY_WINDOW = 32;
    /** Requests in flight at once; past it a new order waits for its tick to come round again (deferred). */
    static final int MAX_IN_FLIGHT = 2_000;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** One acknowledged order in this many is canceled a moment later (some still open, some already filled). */
    static final int CANCEL_ONE_IN = 8;
    /** One tick in this many is a withdrawal instead of an order (10/s at 500 orders/s). */
    static final int WITHDRAW_EVERY_TICKS = 50;
    /** Every this-many-th account trades over a WebSocket session. */
    static final int WS_ONE_IN = 3;
    static final long WITHDRAWAL_BASE_MICRO_USDT = 1_000_000;

    enum Kind { ORDER, CANCEL, WITHDRAW }

    static final class Account {
        final long id;
        final byte[] secretKey;
        /** Its session when it trades over WebSocket, else null. */
        WsSession session;
        long nextWithdrawal = 1;
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

    /**
     * One request until acknowledged: the same body on every attempt, signed anew each time. {@code ref}: the
     * clientOrderId (ORDER), the orderId (CANCEL), the amount in micro-USDT (WITHDRAW).
     */
    record Pending(Account account, Kind kind, long ref, String body, int attempt) {
        Pending next() {
            return new Pending(account, kind, ref, body, attempt + 1);
        }

        String channel() {
            return account.session != null && kind != Kind.WITHDRAW ? "ws" : "rest";
        }
    }

    private final String base;
    private final URI orderEntryWs;
    private final Path workDir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(3)).build();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ConcurrentLinkedQueue<String> ackLines = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> cancelLines = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> withdrawalLines = new ConcurrentLinkedQueue<>();
    private final AtomicLong wsAcked = new AtomicLong();
    private final AtomicLong cancelsAcked = new AtomicLong();
    private final AtomicLong withdrawalsAcked = new AtomicLong();
    private final AtomicLong withdrawalsAmbiguous = new AtomicLong();
    private final AtomicLong wsLogons = new AtomicLong();
    private final Map<String, Long> retryCauses = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong deferred = new AtomicLong();
    private final AtomicLong outstanding = new AtomicLong();
    private volatile boolean paused = true;

    ChaosLoad(String base, URI orderEntryWs, Path workDir) {
        this.base = base;
        this.orderEntryWs = orderEntryWs;
        this.workDir = workDir;
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        URI orderEntryWs = URI.create(args[1]);
        Path work = Path.of(args[2]);
        int rate = Integer.parseInt(args[3]);
        int accounts = Integer.parseInt(args[4]);
        int drainSeconds = Integer.parseInt(args[5]);
        long seed = Long.parseLong(args[6]);
        ChaosHarness.quietLogs();
        ChaosLoad load = new ChaosLoad(base, orderEntryWs, work);
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
        for (int i = 0; i < all.size(); i += WS_ONE_IN) {
            Account a = all.get(i);
            a.session = new WsSession(a);
            a.session.connect();
        }
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
        long ticks = 0;
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
                if (++ticks % WITHDRAW_EVERY_TICKS == 0) {
                    long n;
                    synchronized (chosen) {
                        n = chosen.nextWithdrawal++;
                    }
                    long micro = WITHDRAWAL_BASE_MICRO_USDT + n;
                    outstanding.incrementAndGet();
                    send(new Pending(chosen, Kind.WITHDRAW, micro, "{\"asset\":\"USDT\",\"amount\":\"" + (micro / 1_000_000) + "."
                            + String.format("%06d", micro % 1_000_000) + "\"}", 1));
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
                send(new Pending(chosen, Kind.ORDER, cid, body, 1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends one attempt, over the account's session or REST; the caller holds an in-flight permit. */
    private void send(Pending p) {
        sent.incrementAndGet();
        if (p.account().session != null && p.kind() != Kind.WITHDRAW) {
            p.account().session.send(p);
            return;
        }
        HttpRequest request = switch (p.kind()) {
            case ORDER -> signed(p.account(), "POST", "/orders", p.body());
            case CANCEL -> signed(p.account(), "DELETE", "/orders/" + p.ref(), "");
            case WITHDRAW -> signed(p.account(), "POST", "/withdrawals", p.body());
        };
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
            inFlight.release();
            try {
                if (e != null) failed(p, e);
                else answered(p, r.statusCode(), r.statusCode() == 202 ? MessageJson.MAPPER.readTree(r.body()) : null,
                        E2eBenchmark.code(r.body()));
            } catch (RuntimeException x) {
                if (p.kind() == Kind.WITHDRAW) ambiguous(p, "client " + x.getClass().getSimpleName());
                else retryLater(p, "client " + x.getClass().getSimpleName());
            }
        });
    }

    /** No answer: orders and cancels are retried; a withdrawal only when it never left this machine. */
    private void failed(Pending p, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        String name = cause.getClass().getSimpleName();
        if (p.kind() != Kind.WITHDRAW || cause instanceof java.net.ConnectException
                || cause instanceof java.net.http.HttpConnectTimeoutException) {
            retryLater(p, name);
        } else {
            ambiguous(p, name);
        }
    }

    /** An answer (REST or WebSocket): {@code result} is the 202's body. */
    private void answered(Pending p, int status, JsonNode result, String code) {
        if (status == 202) {
            Account a = p.account();
            switch (p.kind()) {
                case ORDER -> {
                    long orderId = result.get("orderId").asLong();
                    boolean duplicate = result.path("duplicate").asBoolean(false);
                    ackLines.add(a.id + "\t" + p.ref() + "\t" + orderId + "\t" + duplicate + "\t" + p.attempt() + "\t" + p.channel() + "\n");
                    acked.incrementAndGet();
                    if (p.channel().equals("ws")) wsAcked.incrementAndGet();
                    if (!duplicate && java.util.concurrent.ThreadLocalRandom.current().nextInt(CANCEL_ONE_IN) == 0) cancelLater(a, orderId);
                }
                case CANCEL -> {
                    cancelLines.add(a.id + "\t" + p.ref() + "\t" + result.get("seq").asLong() + "\t" + p.attempt() + "\t" + p.channel() + "\n");
                    cancelsAcked.incrementAndGet();
                }
                case WITHDRAW -> {
                    withdrawalLines.add(a.id + "\t" + p.ref() + "\t" + result.get("seq").asLong() + "\t" + p.attempt() + "\tACK\n");
                    withdrawalsAcked.incrementAndGet();
                }
            }
            done(p);
            return;
        }
        boolean retryable = p.kind() == Kind.WITHDRAW
                // Refused before the append (signature, rate limit, a backend the funds check needs): never in the log.
                ? status == 401 || status == 429 || (status == 503 && code.equals("BACKEND_UNAVAILABLE"))
                : status >= 500 || status == 429 || status == 409 || (status == 401 && (code.equals("STALE_REQUEST") || code.equals("NOT_LOGGED_ON")));
        if (retryable) {
            retryLater(p, p.kind() + " " + status + " " + code);
        } else if (p.kind() == Kind.WITHDRAW && status >= 500) {
            ambiguous(p, status + " " + code);
        } else {
            // A refusal a retry cannot change (a 4xx the request itself caused): not acknowledged, not retried.
            refused.incrementAndGet();
            retryCauses.merge("refused " + p.kind() + " " + status + " " + code, 1L, Long::sum);
            done(p);
        }
    }

    /** A withdrawal that may or may not have reached the log: recorded, not retried (it has no idempotency key). */
    private void ambiguous(Pending p, String cause) {
        withdrawalLines.add(p.account().id + "\t" + p.ref() + "\t-1\t" + p.attempt() + "\tAMBIGUOUS\n");
        withdrawalsAmbiguous.incrementAndGet();
        retryCauses.merge("ambiguous WITHDRAW " + cause, 1L, Long::sum);
        done(p);
    }

    /** Cancels the order a moment later (0-300 ms: some are still open, some have filled meanwhile). */
    private void cancelLater(Account a, long orderId) {
        outstanding.incrementAndGet();
        retries.schedule(() -> {
            Pending c = new Pending(a, Kind.CANCEL, orderId, "", 1);
            if (!inFlight.tryAcquire()) retryLater(c, "client in-flight limit");
            else send(c);
        }, java.util.concurrent.ThreadLocalRandom.current().nextLong(300), TimeUnit.MILLISECONDS);
    }

    private void done(Pending p) {
        if (p.kind() == Kind.ORDER) {
            synchronized (p.account()) {
                p.account().unacknowledged.remove(p.ref());
            }
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
        append("cancels.tsv", cancelLines);
        append("withdrawals.tsv", withdrawalLines);
        String causes = new java.util.TreeMap<>(retryCauses).toString();
        retryCauses.clear();
        return "PAUSED sent=" + sent.get() + " acked=" + acked.get() + " (ws " + wsAcked.get() + ", ws logons " + wsLogons.get() + ")"
                + " cancels=" + cancelsAcked.get() + " withdrawals=" + withdrawalsAcked.get() + " (ambiguous " + withdrawalsAmbiguous.get()
                + ") retried=" + retried.get() + " refused=" + refused.get()
                + " deferred=" + deferred.get() + " outstanding=" + outstanding.get() + " causes=" + causes;
    }

    private void append(String file, ConcurrentLinkedQueue<String> queue) throws java.io.IOException {
        StringBuilder lines = new StringBuilder();
        for (String l; (l = queue.poll()) != null; ) lines.append(l);
        Files.writeString(workDir.resolve(file), lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * One account's WebSocket session: logged on, reconnected (and logged on again) whenever it closes. A request
     * is answered by its {@code id}; one still unanswered when the session closes, or after {@link #REQUEST_TIMEOUT},
     * is retried like a REST request that got no answer. Whoever removes a request from {@code waiting} releases its
     * in-flight permit, exactly once.
     */
    final class WsSession implements java.net.http.WebSocket.Listener {
        private final Account account;
        private final Map<String, Pending> waiting = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private final AtomicLong requestIds = new AtomicLong();
        private volatile java.net.http.WebSocket ws;
        private volatile boolean loggedOn;
        private volatile int failedConnects;
        /** When the last connection attempt began: a session not logged on 10 s after it starts another (a watchdog). */
        private volatile long connectStartedNanos;
        private java.util.concurrent.CompletableFuture<?> tail = java.util.concurrent.CompletableFuture.completedFuture(null);

        WsSession(Account account) {
            this.account = account;
        }

        /** Connects and logs on; on failure tries again after a back-off (100 ms doubling to 2 s). */
        void connect() {
            connectStartedNanos = System.nanoTime();
            http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(3)).buildAsync(orderEntryWs, this).whenComplete((socket, e) -> {
                if (e != null) {
                    reconnectLater();
                    return;
                }
                java.net.http.WebSocket old = ws;
                ws = socket;
                if (old != null && old != socket) old.abort(); // an attempt the watchdog overtook: one connection per session
                long ts = System.currentTimeMillis();
                byte[] message = (ts + "\nGET\n/api/v1/ws\n").getBytes(StandardCharsets.UTF_8);
                byte[] signature = new byte[64];
                Ed25519.sign(account.secretKey, 0, message, 0, message.length, signature, 0);
                sendText("{\"id\":\"logon\",\"method\":\"session.logon\",\"params\":{\"accountId\":" + account.id + ",\"timestamp\":" + ts
                        + ",\"signature\":\"" + Base64.getEncoder().encodeToString(signature) + "\"}}");
            });
        }

        private void reconnectLater() {
            int n = Math.min(failedConnects++, 5);
            retries.schedule(this::connect, 100L << n, TimeUnit.MILLISECONDS);
        }

        void send(Pending p) {
            if (!loggedOn) {
                if (System.nanoTime() - connectStartedNanos > TimeUnit.SECONDS.toNanos(10)) connect();
                inFlight.release();
                retryLater(p, "ws not logged on");
                return;
            }
            String id = String.valueOf(requestIds.incrementAndGet());
            waiting.put(id, p);
            String params = p.kind() == Kind.ORDER ? p.body() : "{\"orderId\":" + p.ref() + "}";
            sendText("{\"id\":\"" + id + "\",\"method\":\"" + (p.kind() == Kind.ORDER ? "order.place" : "order.cancel")
                    + "\",\"params\":" + params + "}");
            retries.schedule(() -> unanswered(id, "ws timeout"), REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        private synchronized void sendText(String text) {
            java.net.http.WebSocket socket = ws;
            if (socket == null) return; // closed meanwhile: closed() has retried what was waiting
            tail = (tail.isDone() ? socket.sendText(text, true) : tail.thenCompose(x -> socket.sendText(text, true)))
                    .exceptionally(e -> null); // a closed socket: onClose/onError retries what waits
        }

        private void unanswered(String id, String cause) {
            Pending p = waiting.remove(id);
            if (p == null) return;
            inFlight.release();
            retryLater(p, cause);
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket socket, CharSequence data, boolean last) {
            String text = null;
            synchronized (partial) {
                partial.append(data);
                if (last) {
                    text = partial.toString();
                    partial.setLength(0);
                }
            }
            socket.request(1);
            if (text == null || !text.startsWith("{\"id\":")) return null; // an execution report
            JsonNode m = MessageJson.MAPPER.readTree(text);
            String id = m.path("id").asString();
            int status = m.path("status").asInt();
            if (id.equals("logon")) {
                if (status == 200) {
                    loggedOn = true;
                    failedConnects = 0;
                    wsLogons.incrementAndGet();
                } else {
                    socket.abort(); // a fresh connection and logon after the back-off (onError/onClose)
                    closed("ws logon " + status);
                }
                return null;
            }
            Pending p = waiting.remove(id);
            if (p == null) return null; // timed out meanwhile: already retried
            inFlight.release();
            try {
                answered(p, status, status == 202 ? m.get("result") : null, m.path("error").path("code").asString(""));
            } catch (RuntimeException x) {
                retryLater(p, "client " + x.getClass().getSimpleName());
            }
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket socket, int statusCode, String reason) {
            if (socket == ws) closed("ws closed " + statusCode); // not a connection this session has already replaced
            return null;
        }

        @Override
        public void onError(java.net.http.WebSocket socket, Throwable error) {
            if (socket == ws) closed("ws " + error.getClass().getSimpleName());
        }

        /** Everything still waiting is retried, and the session reconnects (once per close). */
        private synchronized void closed(String cause) {
            boolean was = loggedOn || ws != null;
            loggedOn = false;
            ws = null;
            for (String id : List.copyOf(waiting.keySet())) unanswered(id, cause);
            if (was) reconnectLater();
        }
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
