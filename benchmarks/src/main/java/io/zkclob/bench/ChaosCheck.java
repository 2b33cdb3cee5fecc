package io.zkclob.bench;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.SealBlock;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.BlockSealed;
import io.zkclob.contracts.Event.Deposited;
import io.zkclob.contracts.Event.OrderAccepted;
import io.zkclob.contracts.Event.OrderCanceled;
import io.zkclob.contracts.Event.OrderRejected;
import io.zkclob.contracts.Event.TradeExecuted;
import io.zkclob.contracts.Event.Withdrawn;
import io.zkclob.contracts.RejectCode;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.engine.BlockHash;
import io.zkclob.engine.Exchange;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;

/**
 * The crash test's checks, after the client has drained (every order acknowledged): a fresh engine replays the
 * whole command log, and
 * <ul>
 * <li>every event the matcher published equals the replay's, in order (nothing lost, nothing doubled, exactly once);
 * <li>every acknowledged order is in the log exactly once (one OrderAccepted per account and clientOrderId: no id
 *     placed twice), in the order store, and visible through {@code GET /api/v1/orders/{id}} (a sample);
 * <li>the ledger's balances and totals, the order store (status, fills, fees of every order) and the block
 *     store (every header, and the hash chain) equal what the replay derives;
 * <li>conservation per asset, in the ledger's database: balances + fees = deposits - withdrawals.
 * </ul>
 */
final class ChaosCheck {
    static final int MAX_PROBLEMS_SHOWN = 10;
    static final int API_SAMPLE = 300;
    static final long SETTLE_TIMEOUT_S = 240;
    /** How long the prover may take, after a round's other checks began, to execute the round's blocks in the guest. */
    static final long GUEST_TIMEOUT_S = 600;

    record Key(long accountId, long clientOrderId) {}

    record Ack(long orderId, boolean duplicate, int attempts) {}

    /** What one round's check found; {@code problems} names each discrepancy (the first few of each kind). */
    record Outcome(long acknowledged, long lost, long duplicated, boolean conservation, boolean replayIdentical, long events,
                   long blocks, long orders, long bookLevels, long retriedAcks, long duplicateAnswers, long ownIdAnswers,
                   Transfers transfers, Guest guest, List<String> problems) {}

    /**
     * The guest check: every block the replay sealed executed in the SP1 guest ({@code executedHeight} reaches
     * {@code sealedHeight}, blocks contiguous from the first), no range FAILED and no divergence recorded;
     * {@code waitedS}: how long after the round's other checks the prover needed to catch up.
     */
    record Guest(boolean checked, long executedHeight, long sealedHeight, long ranges, long cycles, double waitedS, boolean ok) {
        static final Guest NONE = new Guest(false, 0, 0, 0, 0, 0, true);

        String describe() {
            if (!checked) return "guest not checked (no prover in the fleet)";
            return String.format("guest executed through block %d of %d sealed (%d ranges, %,d cycles), %s, caught up %.0f s after the"
                    + " checks began", executedHeight, sealedHeight, ranges, cycles, ok ? "no divergence" : "DIVERGED OR BEHIND", waitedS);
        }
    }

    /** An order as the replay's events leave it (the order store's projection rules, OrderProjector). */
    static final class Expected {
        long accountId;
        long clientOrderId;
        long qty;
        long filledQty;
        long filledQuote;
        long fees;
        boolean rejected;
        RejectCode rejectCode;
        long existingOrderId;
        String cancelReason;
        boolean closed;
        long remainingAtClose;

        String status() {
            if (rejected) return "REJECTED";
            if (closed) return remainingAtClose == 0 && filledQty > 0 ? "FILLED" : "CANCELED";
            if (qty > 0 && filledQty >= qty) return "FILLED";
            return filledQty > 0 ? "PARTIALLY_FILLED" : "OPEN";
        }

        String expectedCancelReason() {
            return closed && !(remainingAtClose == 0 && filledQty > 0) ? cancelReason : null;
        }
    }

    private final ChaosFleet fleet;
    private final Path work;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final SplittableRandom random;

    ChaosCheck(ChaosFleet fleet, Path work, long seed) {
        this.fleet = fleet;
        this.work = work;
        this.random = new SplittableRandom(seed);
    }

    Outcome check() throws Exception {
        List<String> problems = new ArrayList<>();
        long logEnd = settle(problems);
        Replay r = replay(logEnd, problems);
        Map<Long, String[]> stored = storedOrders();
        compareOrders(r, stored, problems);
        compareFills(r, problems);
        long bookLevels = compareLiveBook(problems);
        compareLedger(r, problems);
        compareBlocks(r, problems);
        boolean conservation = conservation(problems);
        Map<Key, Ack> acks = acks(problems);
        long[] ackFigures = checkAcks(acks, r, stored, problems);
        Transfers t = checkCancelsAndWithdrawals(r, problems);
        long duplicated = r.acceptedByKey.values().stream().filter(l -> l.size() > 1).count() + t.duplicated();
        r.acceptedByKey.forEach((k, l) -> {
            if (l.size() > 1) note(problems, "duplicated", "account " + k.accountId() + " clientOrderId " + k.clientOrderId() + " placed as " + l);
        });
        Guest guest = checkGuest(r, problems);
        boolean identical = problems.stream().noneMatch(p -> p.startsWith("replay") || p.startsWith("book"));
        return new Outcome(acks.size(), ackFigures[0] + t.lost(), duplicated, conservation, identical, r.events, r.blocks.size(), stored.size(),
                bookLevels, ackFigures[1], ackFigures[2], ackFigures[3], t, guest, problems);
    }

    /**
     * Cancels and withdrawals, acknowledged or not: {@code lost} counts acknowledgements the log does not bear out,
     * {@code duplicated} anything applied twice (an order closed twice, one withdrawal request in the log twice).
     */
    record Transfers(long cancels, long canceledByIt, long alreadyClosed, long withdrawals, long ambiguous, long ambiguousInLog,
                     long lost, long duplicated) {
        String describe() {
            return String.format("cancels acknowledged %d (%d closed their order, %d found it already closed), withdrawals acknowledged"
                    + " %d (+%d ambiguous, %d of them in the log)", cancels, canceledByIt, alreadyClosed, withdrawals, ambiguous, ambiguousInLog);
        }
    }

    /**
     * Every acknowledged cancel is the CancelOrder at its seq, for its account and order, and after it the order is
     * closed (by it, or already before: filled or closed by an earlier attempt of the same cancel); no order is
     * closed twice. Every acknowledged withdrawal is the one Withdraw of its (account, unique amount) in the log, at
     * its seq, and was applied (Withdrawn); an ambiguous one is in the log at most once.
     */
    private Transfers checkCancelsAndWithdrawals(Replay r, List<String> problems) throws Exception {
        long cancels = 0;
        long byIt = 0;
        long already = 0;
        long lost = 0;
        long duplicated = 0;
        Path cancelFile = work.resolve("cancels.tsv");
        if (Files.exists(cancelFile)) {
            for (String line : Files.readAllLines(cancelFile)) {
                String[] f = line.split("\t");
                long account = Long.parseLong(f[0]);
                long orderId = Long.parseLong(f[1]);
                long seq = Long.parseLong(f[2]);
                cancels++;
                Command.CancelOrder c = r.cancelCommands.get(seq);
                Expected o = r.orders.get(orderId);
                if (c == null || c.accountId() != account || c.orderId() != orderId) {
                    lost++;
                    note(problems, "lost", "cancel of order " + orderId + " (account " + account + ") acknowledged as seq " + seq
                            + ", the log holds " + c);
                } else if (r.userCancelSeqs.contains(seq)) {
                    byIt++;
                } else if (o != null && (o.closed || o.rejected || "FILLED".equals(o.status()))) {
                    already++;
                } else {
                    lost++;
                    note(problems, "lost", "cancel of order " + orderId + " acknowledged as seq " + seq + ", the order is still open");
                }
            }
        }
        for (Map.Entry<Long, Integer> e : r.closesByOrder.entrySet()) {
            if (e.getValue() > 1) {
                duplicated++;
                note(problems, "duplicated", "order " + e.getKey() + " closed " + e.getValue() + " times");
            }
        }
        long withdrawals = 0;
        long ambiguous = 0;
        long ambiguousInLog = 0;
        Path withdrawalFile = work.resolve("withdrawals.tsv");
        if (Files.exists(withdrawalFile)) {
            for (String line : Files.readAllLines(withdrawalFile)) {
                String[] f = line.split("\t");
                Key k = new Key(Long.parseLong(f[0]), Long.parseLong(f[1])); // amount in micro-USDT, USDT's scale
                long seq = Long.parseLong(f[2]);
                List<Long> inLog = r.withdrawalsByKey.getOrDefault(k, List.of());
                if (f[4].equals("ACK")) {
                    withdrawals++;
                    if (!inLog.contains(seq) || !r.withdrawnSeqs.contains(seq)) {
                        lost++;
                        note(problems, "lost", "withdrawal " + k + " acknowledged as seq " + seq + ", the log holds " + inLog
                                + (r.withdrawnSeqs.contains(seq) ? "" : " (not applied)"));
                    }
                } else {
                    ambiguous++;
                    if (!inLog.isEmpty()) ambiguousInLog++;
                }
            }
        }
        for (Map.Entry<Key, List<Long>> e : r.withdrawalsByKey.entrySet()) {
            if (e.getValue().size() > 1) {
                duplicated++;
                note(problems, "duplicated", "withdrawal " + e.getKey() + " in the log " + e.getValue().size() + " times: " + e.getValue());
            }
        }
        return new Transfers(cancels, byIt, already, withdrawals, ambiguous, ambiguousInLog, lost, duplicated);
    }

    // ---- the guest: the prover executes every sealed block in the SP1 guest without divergence ----

    /**
     * Waits (at most {@link #GUEST_TIMEOUT_S}) until prover-service has executed every block the replay sealed in the
     * SP1 guest, contiguously from the first, and fails on a FAILED range or a recorded divergence (the guest
     * recomputes every state, commands and events root and refuses a witness whose published header differs). The
     * prover's own copy of the headers must equal the replay's too. Proving is off in the chaos fleet.
     */
    private Guest checkGuest(Replay r, List<String> problems) throws Exception {
        if (!ChaosFleet.withProver()) return Guest.NONE;
        long t0 = System.nanoTime();
        long sealed = r.blocks.isEmpty() ? 0 : r.blocks.get(r.blocks.size() - 1).height();
        Map<Long, BlockSealed> replayed = new HashMap<>();
        for (BlockSealed b : r.blocks) replayed.put(b.height(), b);
        long executed = -1;
        long[] ranges = {0, 0};
        String diverged = null;
        String state = "prover database unreachable";
        long deadline = t0 + TimeUnit.SECONDS.toNanos(GUEST_TIMEOUT_S);
        while (true) {
            try (Connection c = DriverManager.getConnection(fleet.jdbc("prover"), "postgres", "postgres"); Statement s = c.createStatement()) {
                executed = r.blocks.isEmpty() ? 0 : r.blocks.get(0).height() - 1;
                long headerMismatches = 0;
                try (ResultSet rs = s.executeQuery("SELECT height, status, state_root, commands_root, events_root FROM blocks ORDER BY height")) {
                    boolean contiguous = true;
                    while (rs.next()) {
                        long h = rs.getLong(1);
                        BlockSealed b = replayed.get(h);
                        if (b == null || !b.stateRoot().equals(rs.getString(3)) || !b.commandsRoot().equals(rs.getString(4))
                                || !b.eventsRoot().equals(rs.getString(5))) {
                            if (h <= sealed && headerMismatches++ < MAX_PROBLEMS_SHOWN) {
                                note(problems, "guest headers", "block " + h + ": the prover's header differs from the replay's");
                            }
                        }
                        boolean done = List.of("EXECUTED", "PROVING", "PROVEN").contains(rs.getString(2));
                        if (contiguous && done && h == executed + 1) executed = h;
                        else contiguous = false;
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(cycles), 0) FROM ranges WHERE status IN"
                        + " ('EXECUTED', 'UNPROVEN', 'PROVING', 'PROVEN')")) {
                    rs.next();
                    ranges = new long[] {rs.getLong(1), rs.getLong(2)};
                }
                try (ResultSet rs = s.executeQuery("SELECT 'range ' || range_id || ': ' || COALESCE(detail, '') FROM ranges WHERE status = 'FAILED'"
                        + " UNION ALL SELECT 'divergence of range ' || range_id || ': ' || detail FROM divergence LIMIT 1")) {
                    if (rs.next()) diverged = rs.getString(1);
                }
                state = "executed through " + executed + " of " + sealed;
            } catch (SQLException e) {
                state = "prover database: " + e.getMessage(); // PostgreSQL restarting
            }
            if (diverged != null || executed >= sealed || System.nanoTime() > deadline) break;
            Thread.sleep(1_000);
        }
        double waitedS = (System.nanoTime() - t0) / 1e9;
        if (diverged != null) note(problems, "guest divergence", diverged);
        else if (executed < sealed) note(problems, "guest behind", "not caught up within " + GUEST_TIMEOUT_S + " s: " + state);
        return new Guest(true, executed, sealed, ranges[0], ranges[1], waitedS, diverged == null && executed >= sealed);
    }

    static void note(List<String> problems, String kind, String what) {
        long shown = problems.stream().filter(p -> p.startsWith(kind)).count();
        if (shown < MAX_PROBLEMS_SHOWN) problems.add(kind + ": " + what);
        else if (shown == MAX_PROBLEMS_SHOWN) problems.add(kind + ": (more not shown)");
    }

    // ---- settle: the matcher and every projection have caught up with the whole log ----

    /**
     * Waits until the log has stopped growing and ends with a SealBlock (the matcher seals within 200 ms of the last
     * command), the matcher has published that command's events, and the ledger, order and block stores have
     * projected through it. Returns the command log's end offset.
     */
    private long settle(List<String> problems) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_TIMEOUT_S);
        String lastState = "";
        try (KafkaConsumer<String, String> c = consumer()) {
            while (System.nanoTime() < deadline) {
                TopicPartition log = new TopicPartition(Topics.COMMANDS, 0);
                TopicPartition ev = new TopicPartition(Topics.EVENTS, 0);
                long end = c.endOffsets(List.of(log)).get(log);
                ConsumerRecord<String, String> lastCommand = last(c, log);
                ConsumerRecord<String, String> lastEvent = last(c, ev);
                long lastSeq = end - 1;
                boolean sealed = lastCommand != null && lastCommand.offset() == lastSeq
                        && MessageJson.readCommand(lastCommand.value()) instanceof SealBlock;
                long eventSeq = lastEvent == null ? -1 : MessageJson.readEvent(lastEvent.value()).seq();
                long ledger = single("ledger", "SELECT seq FROM watermark WHERE id = 1");
                long orders = single("orders", "SELECT seq FROM watermark WHERE id = 1");
                long blocks = single("blocks", "SELECT COALESCE(MAX(last_seq), -1) FROM blocks");
                lastState = "log end " + end + (sealed ? " sealed" : " unsealed") + ", events through " + eventSeq + ", ledger "
                        + ledger + ", orders " + orders + ", blocks " + blocks;
                if (sealed && eventSeq == lastSeq && ledger == lastSeq && orders == lastSeq && blocks == lastSeq
                        && c.endOffsets(List.of(log)).get(log) == end) {
                    return end;
                }
                Thread.sleep(500);
            }
        }
        note(problems, "settle", "not caught up within " + SETTLE_TIMEOUT_S + " s: " + lastState);
        return -1;
    }

    private static ConsumerRecord<String, String> last(KafkaConsumer<String, String> c, TopicPartition tp) {
        long end = c.endOffsets(List.of(tp)).get(tp);
        c.assign(List.of(tp));
        c.seek(tp, Math.max(0, end - 20)); // transaction markers take offsets: read the last few records
        ConsumerRecord<String, String> last = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.position(tp) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) last = r;
        }
        return last;
    }

    // ---- replay ----

    /** What a fresh engine derives from the log. */
    static final class Replay {
        final Exchange exchange = new Exchange();
        final Map<Long, Expected> orders = new HashMap<>();
        final Map<Key, List<Long>> acceptedByKey = new HashMap<>();
        final List<BlockSealed> blocks = new ArrayList<>();
        final Set<Long> accounts = new HashSet<>();
        final Set<Integer> assets = new java.util.TreeSet<>();
        final Map<Integer, long[]> totals = new TreeMap<>(); // asset -> {deposited, withdrawn}
        /** CancelOrder and Withdraw commands by seq, and the withdrawals by (account, amount): each amount is unique. */
        final Map<Long, Command.CancelOrder> cancelCommands = new HashMap<>();
        final Map<Key, List<Long>> withdrawalsByKey = new HashMap<>();
        /** Seqs of the cancels that closed an order (reason USER), and how often each order was closed. */
        final Set<Long> userCancelSeqs = new HashSet<>();
        final Map<Long, Integer> closesByOrder = new HashMap<>();
        final Set<Long> withdrawnSeqs = new HashSet<>();
        long events;
        long trades;
        long tradedQty;
    }

    private Replay replay(long logEnd, List<String> problems) throws Exception {
        Replay r = new Replay();
        if (logEnd < 0) logEnd = Long.MAX_VALUE; // not settled: replay what there is, the comparisons say the rest
        try (KafkaConsumer<String, String> commands = consumer(); KafkaConsumer<String, String> published = consumer()) {
            TopicPartition log = new TopicPartition(Topics.COMMANDS, 0);
            TopicPartition ev = new TopicPartition(Topics.EVENTS, 0);
            commands.assign(List.of(log));
            commands.seekToBeginning(List.of(log));
            long end = Math.min(logEnd, commands.endOffsets(List.of(log)).get(log));
            published.assign(List.of(ev));
            published.seekToBeginning(List.of(ev));
            long eventsEnd = published.endOffsets(List.of(ev)).get(ev);
            ArrayDeque<ConsumerRecord<String, String>> buffer = new ArrayDeque<>();
            long mismatches = 0;
            while (commands.position(log) < end) {
                for (ConsumerRecord<String, String> rec : commands.poll(Duration.ofMillis(500))) {
                    if (rec.offset() >= end) break;
                    Command cmd = MessageJson.readCommand(rec.value()).sequenced(rec.offset(), rec.timestamp());
                    if (cmd instanceof Command.CancelOrder c) r.cancelCommands.put(c.seq(), c);
                    if (cmd instanceof Command.Withdraw w) {
                        r.withdrawalsByKey.computeIfAbsent(new Key(w.accountId(), w.amount()), k -> new ArrayList<>(1)).add(w.seq());
                    }
                    for (Event e : r.exchange.apply(cmd)) {
                        r.events++;
                        derive(r, e);
                        Event pub = nextPublished(published, ev, eventsEnd, buffer);
                        if (!e.equals(pub) && mismatches++ < MAX_PROBLEMS_SHOWN) {
                            note(problems, "replay events", "event " + r.events + " published " + pub + ", replayed " + e);
                        }
                    }
                }
            }
            Event extra = nextPublished(published, ev, eventsEnd, buffer);
            if (extra != null) note(problems, "replay events", "published beyond the replay: " + extra);
            if (mismatches > 0) note(problems, "replay events", mismatches + " published events differ from the replay");
        }
        try {
            r.exchange.checkInvariants();
        } catch (AssertionError | RuntimeException e) {
            note(problems, "replay invariants", String.valueOf(e));
        }
        return r;
    }

    private static Event nextPublished(KafkaConsumer<String, String> c, TopicPartition tp, long end,
                                       ArrayDeque<ConsumerRecord<String, String>> buffer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (buffer.isEmpty() && c.position(tp) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> rec : c.poll(Duration.ofMillis(200))) buffer.add(rec);
        }
        ConsumerRecord<String, String> rec = buffer.poll();
        return rec == null ? null : MessageJson.readEvent(rec.value());
    }

    private static void derive(Replay r, Event e) {
        switch (e) {
            case OrderAccepted a -> {
                Expected o = new Expected();
                o.accountId = a.accountId();
                o.clientOrderId = a.clientOrderId();
                o.qty = a.qty();
                r.orders.put(a.orderId(), o);
                if (a.clientOrderId() != 0) {
                    r.acceptedByKey.computeIfAbsent(new Key(a.accountId(), a.clientOrderId()), k -> new ArrayList<>(1)).add(a.orderId());
                }
            }
            case OrderRejected x -> {
                Expected o = new Expected();
                o.accountId = x.accountId();
                o.clientOrderId = x.clientOrderId();
                o.rejected = true;
                o.rejectCode = x.code();
                o.existingOrderId = x.existingOrderId();
                r.orders.put(x.seq(), o);
            }
            case TradeExecuted t -> {
                r.trades++;
                r.tradedQty += t.qty();
                fill(r.orders.get(t.makerOrderId()), t, t.makerFee());
                fill(r.orders.get(t.takerOrderId()), t, t.takerFee());
            }
            case OrderCanceled c -> {
                r.closesByOrder.merge(c.orderId(), 1, Integer::sum);
                if (c.reason() == io.zkclob.contracts.CancelReason.USER) r.userCancelSeqs.add(c.seq());
                Expected o = r.orders.get(c.orderId());
                if (o != null) {
                    o.closed = true;
                    o.remainingAtClose = c.remainingQty();
                    o.cancelReason = c.reason().name();
                }
            }
            case Deposited d -> {
                r.accounts.add(d.accountId());
                r.totals.computeIfAbsent(d.assetId(), a -> new long[2])[0] += d.amount();
            }
            case Withdrawn w -> {
                r.totals.computeIfAbsent(w.assetId(), a -> new long[2])[1] += w.amount();
                r.withdrawnSeqs.add(w.seq());
            }
            case BlockSealed b -> r.blocks.add(b);
            case Event.AssetAdded a -> r.assets.add(a.assetId());
            default -> { }
        }
    }

    private static void fill(Expected o, TradeExecuted t, long fee) {
        if (o == null) return; // an order the replay never accepted: the event comparison reports it
        o.filledQty += t.qty();
        o.filledQuote += t.quoteAmount();
        o.fees += fee;
    }

    // ---- projections ----

    /** order_id -> {accountId, clientOrderId, status, filledQty, filledQuote, fees, rejectCode, cancelReason}. */
    private Map<Long, String[]> storedOrders() throws SQLException {
        Map<Long, String[]> stored = new HashMap<>();
        try (Connection c = DriverManager.getConnection(fleet.jdbc("orders"), "postgres", "postgres")) {
            c.setAutoCommit(false); // a cursor, not the whole table in memory at once
            try (Statement s = c.createStatement()) {
                s.setFetchSize(10_000);
                try (ResultSet rs = s.executeQuery("SELECT order_id, account_id, client_order_id, status, filled_qty, filled_quote,"
                        + " fees_paid, reject_code, cancel_reason FROM orders")) {
                    while (rs.next()) {
                        stored.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)});
                    }
                }
            }
        }
        return stored;
    }

    private static void compareOrders(Replay r, Map<Long, String[]> stored, List<String> problems) {
        if (stored.size() != r.orders.size()) {
            note(problems, "replay orders", "order store holds " + stored.size() + " orders, the replay " + r.orders.size());
        }
        r.orders.forEach((id, o) -> {
            String[] s = stored.get(id);
            String[] expected = {String.valueOf(o.accountId), String.valueOf(o.clientOrderId), o.status(), String.valueOf(o.filledQty),
                    String.valueOf(o.filledQuote), String.valueOf(o.fees), o.rejected ? o.rejectCode.name() : null, o.expectedCancelReason()};
            if (s == null) note(problems, "replay orders", "order " + id + " missing from the order store (" + String.join(" ",
                    java.util.Arrays.stream(expected).map(String::valueOf).toList()) + ")");
            else if (!java.util.Arrays.equals(s, expected)) note(problems, "replay orders", "order " + id + " stored "
                    + java.util.Arrays.toString(s) + ", replay " + java.util.Arrays.toString(expected));
        });
    }

    /** The order store's fills: one maker and one taker row per trade of the replay, no more, no less. */
    private void compareFills(Replay r, List<String> problems) throws SQLException {
        try (Connection c = DriverManager.getConnection(fleet.jdbc("orders"), "postgres", "postgres");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(qty), 0) FROM fills")) {
            rs.next();
            if (rs.getLong(1) != 2 * r.trades || rs.getLong(2) != 2 * r.tradedQty) {
                note(problems, "replay fills", "order store holds " + rs.getLong(1) + " fills of " + rs.getLong(2) + " in all; the replay "
                        + r.trades + " trades of " + r.tradedQty + " (two fills each)");
            }
        }
    }

    /**
     * The gateway's live book (GET /api/v1/markets/{symbol}/book, what its stream serves) equals the order store's
     * depth (its open orders, level by level), which equals the replay's (compareOrders). The live book follows the
     * event log on its own: up to 30 s for it to catch up.
     */
    private long compareLiveBook(List<String> problems) throws Exception {
        long levels = 0;
        Map<String, Integer> markets = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(fleet.jdbc("orders"), "postgres", "postgres");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT symbol, market_id FROM markets")) {
            while (rs.next()) markets.put(rs.getString(1), rs.getInt(2));
        }
        for (Map.Entry<String, Integer> m : markets.entrySet()) {
            String stored = storedDepth(m.getValue());
            levels += stored.split("x", -1).length - 1;
            String live = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                HttpResponse<String> resp = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(fleet.gatewayBase()
                        + "/markets/" + m.getKey() + "/book?levels=1000")).timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() == 200) {
                    JsonNode book = MessageJson.MAPPER.readTree(resp.body());
                    live = levels(book.get("bids")) + " / " + levels(book.get("asks"));
                    if (live.equals(stored)) break;
                } else {
                    live = resp.statusCode() + " " + resp.body();
                }
                Thread.sleep(500);
            }
            if (!stored.equals(live)) note(problems, "book", m.getKey() + ": live book " + live + ", order store " + stored);
        }
        return levels;
    }

    private static String levels(JsonNode side) {
        List<String> out = new ArrayList<>();
        for (JsonNode level : side) out.add(level.get(0).asLong() + "x" + level.get(1).asLong());
        return String.join(" ", out);
    }

    private String storedDepth(int marketId) throws SQLException {
        String sql = "SELECT price, SUM(qty - filled_qty) FROM orders WHERE market_id = %d AND side = '%s'"
                + " AND status IN ('OPEN', 'PARTIALLY_FILLED') GROUP BY price ORDER BY price %s";
        List<String> sides = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(fleet.jdbc("orders"), "postgres", "postgres"); Statement s = c.createStatement()) {
            for (String[] side : new String[][] {{"BUY", "DESC"}, {"SELL", "ASC"}}) {
                List<String> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery(sql.formatted(marketId, side[0], side[1]))) {
                    while (rs.next()) out.add(rs.getLong(1) + "x" + rs.getLong(2));
                }
                sides.add(String.join(" ", out));
            }
        }
        return sides.get(0) + " / " + sides.get(1);
    }

    private void compareLedger(Replay r, List<String> problems) throws SQLException {
        Map<String, long[]> stored = new HashMap<>();
        try (Connection c = DriverManager.getConnection(fleet.jdbc("ledger"), "postgres", "postgres");
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT account_id, asset_id, available, locked FROM balances")) {
                while (rs.next()) stored.put(rs.getLong(1) + "/" + rs.getInt(2), new long[] {rs.getLong(3), rs.getLong(4)});
            }
            Set<String> seen = new HashSet<>();
            for (long account : r.accounts) {
                for (int asset : r.assets) {
                    String k = account + "/" + asset;
                    seen.add(k);
                    long[] want = {r.exchange.available(account, asset), r.exchange.locked(account, asset)};
                    long[] got = stored.getOrDefault(k, new long[2]);
                    if (!java.util.Arrays.equals(want, got)) {
                        note(problems, "replay ledger", "account " + account + " asset " + asset + " stored " + java.util.Arrays.toString(got)
                                + ", replay " + java.util.Arrays.toString(want));
                    }
                }
            }
            stored.forEach((k, v) -> {
                if (!seen.contains(k) && (v[0] != 0 || v[1] != 0)) note(problems, "replay ledger", "balance " + k + " not in the replay");
            });
            try (ResultSet rs = s.executeQuery("SELECT asset_id, deposited, withdrawn, fees FROM asset_totals ORDER BY asset_id")) {
                while (rs.next()) {
                    int asset = rs.getInt(1);
                    long[] t = r.totals.getOrDefault(asset, new long[2]);
                    long[] want = {t[0], t[1], r.exchange.feesCollected(asset)};
                    long[] got = {rs.getLong(2), rs.getLong(3), rs.getLong(4)};
                    if (!java.util.Arrays.equals(want, got)) note(problems, "replay ledger", "asset " + asset + " totals stored "
                            + java.util.Arrays.toString(got) + ", replay " + java.util.Arrays.toString(want));
                }
            }
        }
    }

    private void compareBlocks(Replay r, List<String> problems) throws SQLException {
        try (Connection c = DriverManager.getConnection(fleet.jdbc("blocks"), "postgres", "postgres");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT height, first_seq, last_seq, command_count, event_count, state_root, commands_root,"
                     + " events_root, prev_hash, hash FROM blocks ORDER BY height")) {
            String prev = BlockHash.GENESIS;
            Iterator<BlockSealed> replayed = r.blocks.iterator();
            long stored = 0;
            while (rs.next()) {
                stored++;
                BlockSealed b = replayed.hasNext() ? replayed.next() : null;
                if (b == null) {
                    note(problems, "replay blocks", "block " + rs.getLong(1) + " stored, not in the replay");
                    continue;
                }
                String hash = BlockHash.of(b, prev);
                List<Object> got = List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getInt(5), rs.getString(6),
                        rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10));
                List<Object> want = List.of(b.height(), b.firstSeq(), b.lastSeq(), b.commandCount(), b.eventCount(), b.stateRoot(),
                        b.commandsRoot(), b.eventsRoot(), prev, hash);
                if (!got.equals(want)) note(problems, "replay blocks", "block " + b.height() + " stored " + got + ", replay " + want);
                prev = hash;
            }
            if (stored != r.blocks.size()) note(problems, "replay blocks", stored + " blocks stored, " + r.blocks.size() + " replayed");
        }
    }

    /** Per asset, in the ledger's own tables: balances + fees = deposits - withdrawals. */
    private boolean conservation(List<String> problems) throws SQLException {
        boolean ok = true;
        try (Connection c = DriverManager.getConnection(fleet.jdbc("ledger"), "postgres", "postgres");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT t.asset_id, COALESCE(SUM(b.available + b.locked), 0), t.fees, t.deposited, t.withdrawn"
                     + " FROM asset_totals t LEFT JOIN balances b USING (asset_id) GROUP BY t.asset_id, t.fees, t.deposited, t.withdrawn")) {
            while (rs.next()) {
                long balances = rs.getLong(2);
                long fees = rs.getLong(3);
                long deposited = rs.getLong(4);
                long withdrawn = rs.getLong(5);
                if (balances + fees != deposited - withdrawn) {
                    ok = false;
                    note(problems, "conservation", "asset " + rs.getInt(1) + ": balances " + balances + " + fees " + fees + " != deposited "
                            + deposited + " - withdrawn " + withdrawn);
                }
            }
        }
        return ok;
    }

    // ---- acknowledgements ----

    private Map<Key, Ack> acks(List<String> problems) throws Exception {
        Map<Key, Ack> acks = new HashMap<>();
        Path file = work.resolve("acks.tsv");
        if (!Files.exists(file)) return acks;
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split("\t");
            Key k = new Key(Long.parseLong(f[0]), Long.parseLong(f[1]));
            Ack a = new Ack(Long.parseLong(f[2]), Boolean.parseBoolean(f[3]), Integer.parseInt(f[4]));
            Ack before = acks.put(k, a);
            if (before != null) note(problems, "client", "clientOrderId " + k + " acknowledged twice: " + before + ", " + a);
        }
        return acks;
    }

    /**
     * Each acknowledgement names an order of the log: the accepted one with its account and clientOrderId, or (a
     * retry answered before the engine's verdict reached the gateway) a DUPLICATE_CLIENT_ORDER_ID reject of that
     * key naming the accepted one, or an order the engine rejected. Returns {lost, retried, duplicateAnswers, ownIdAnswers}.
     */
    private long[] checkAcks(Map<Key, Ack> acks, Replay r, Map<Long, String[]> stored, List<String> problems) throws Exception {
        long lost = 0;
        long retried = 0;
        long duplicateAnswers = 0;
        long ownIdAnswers = 0;
        List<Map.Entry<Key, Ack>> sample = new ArrayList<>();
        for (Map.Entry<Key, Ack> e : acks.entrySet()) {
            Key k = e.getKey();
            Ack a = e.getValue();
            if (a.attempts() > 1) retried++;
            if (a.duplicate()) duplicateAnswers++;
            Expected o = r.orders.get(a.orderId());
            List<Long> accepted = r.acceptedByKey.getOrDefault(k, List.of());
            boolean sameKey = o != null && o.accountId == k.accountId() && o.clientOrderId == k.clientOrderId();
            boolean ok;
            if (!sameKey) ok = false;
            else if (!o.rejected) ok = true;
            else if (o.rejectCode == RejectCode.DUPLICATE_CLIENT_ORDER_ID) {
                ok = accepted.contains(o.existingOrderId);
                ownIdAnswers++;
            } else ok = true; // acknowledged, then rejected by the engine: it exists, as REJECTED
            if (ok && !stored.containsKey(a.orderId())) ok = false;
            if (!ok) {
                lost++;
                note(problems, "lost", "account " + k.accountId() + " clientOrderId " + k.clientOrderId() + " acknowledged as order "
                        + a.orderId() + (o == null ? ", which the log does not hold" : ", the log holds " + accepted));
            } else if (a.attempts() > 1 || sample.size() < API_SAMPLE / 2 || random.nextInt(Math.max(1, acks.size() / API_SAMPLE)) == 0) {
                sample.add(e);
            }
        }
        java.util.Collections.shuffle(sample, new java.util.Random(random.nextLong()));
        lost += visibleThroughTheApi(sample.subList(0, Math.min(API_SAMPLE, sample.size())), r, problems);
        return new long[] {lost, retried, duplicateAnswers, ownIdAnswers};
    }

    /** GET /api/v1/orders/{id}, signed by its owner: 200, the clientOrderId, the replay's status. Returns the misses. */
    private long visibleThroughTheApi(List<Map.Entry<Key, Ack>> sample, Replay r, List<String> problems) throws Exception {
        Map<Long, byte[]> keys = new HashMap<>();
        for (String line : Files.readAllLines(work.resolve("accounts.tsv"))) {
            String[] f = line.split("\t");
            keys.put(Long.parseLong(f[0]), Base64.getDecoder().decode(f[1]));
        }
        long misses = 0;
        for (Map.Entry<Key, Ack> e : sample) {
            long orderId = e.getValue().orderId();
            long account = e.getKey().accountId();
            HttpResponse<String> resp = null;
            for (int attempt = 0; attempt < 20 && (resp == null || resp.statusCode() == 401 || resp.statusCode() >= 500); attempt++) {
                if (attempt > 0) Thread.sleep(500); // a gateway that has just restarted refuses requests signed before it
                resp = http.send(ChaosLoad.signedRequest(fleet.gatewayBase(), account, keys.get(account), "GET", "/orders/" + orderId, "",
                        Duration.ofSeconds(15)), HttpResponse.BodyHandlers.ofString());
            }
            boolean ok = resp.statusCode() == 200;
            if (ok) {
                JsonNode body = MessageJson.MAPPER.readTree(resp.body());
                ok = body.path("clientOrderId").asLong() == e.getKey().clientOrderId()
                        && Objects.equals(body.path("status").asString(), r.orders.get(orderId).status());
            }
            if (!ok) {
                misses++;
                note(problems, "lost", "GET /orders/" + orderId + " (account " + account + "): " + resp.statusCode() + " " + resp.body());
            }
        }
        return misses;
    }

    // ---- plumbing ----

    private long single(String database, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(fleet.jdbc(database), "postgres", "postgres");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            return -2; // PostgreSQL restarting: not caught up yet
        }
    }

    private KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.kafkaBootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new KafkaConsumer<>(p);
    }
}
