package io.zkclob.matching;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.SealBlock;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.BlockSealed;
import io.zkclob.contracts.Event.TradeExecuted;
import io.zkclob.contracts.RejectCode;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.engine.Exchange;
import io.zkclob.engine.Sha256;
import io.zkclob.engine.Snapshot;
import io.zkclob.engine.LevelBook;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The matcher loop, on one thread: read the command log (one partition; offset = seq), apply each command to
 * the engine, and publish its events in one Kafka transaction per batch, so that events are published exactly
 * once per command even across crashes. Where to resume is read from the output, not stored beside it: every
 * event's key starts with the seq of its command, and a batch's events commit together, so the last committed
 * event names the last command whose events are out (see {@link #publishedUpTo}). On start it restores the newest
 * snapshot and replays the log from there up to that point without publishing, then continues. It also appends SealBlock commands to the log every 200 ms or 1,000 commands: block
 * boundaries live in the log, so a replay seals the same blocks.
 *
 * <p>Unlike the projections (service-support's {@code EventFeed}, in Spring Kafka listener containers), the matcher
 * keeps its own poll loop on purpose: its read-process-write is exactly-once only because it owns both ends. It
 * polls, applies, and then sends the events in one producer transaction whose boundaries it chooses (one per poll,
 * SealBlock appends outside it); on start it must find where its published events end before it reads a record,
 * restore a snapshot and replay the log up to there without publishing, and after a fencing or broker failure
 * throw away consumer, producer and engine together and redo that recovery. It commits no consumer offsets: with
 * {@code sendOffsetsToTransaction} every transaction also registered the offsets partition, waited for the group
 * coordinator and had a marker written there (two more requests and a marker per transaction; the broker's
 * transaction work was about 8 % of the whole fleet's CPU at 4,000 orders/s). A listener
 * container owns the poll, the commits and the error handling (retries, seeks, recoverers) and would have to be
 * bent back into exactly this loop. A dead-letter topic has no meaning here either: a record that is not a command
 * is skipped deterministically (every replay skips the same offset, so the engine's state does not depend on it;
 * block-service archives it as Malformed), and parking it elsewhere would change nothing the engine does.
 */
final class Matcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Matcher.class);
    private static final TopicPartition LOG = new TopicPartition(Topics.COMMANDS, 0);
    /** Commands per transaction at most: each transaction costs the broker several log appends, whatever its size. */
    private static final int MAX_POLL_RECORDS = 4_000;
    /**
     * Transactions start at most this often. Each costs the broker about the same whatever its size (registering
     * the partitions, the offsets, the commit, the markers: 40-50 % of its request threads' CPU). When the broker
     * answers quickly the loop committed whatever one poll found: 80 transactions a second of about 12 commands at
     * 1,000 orders/s, and the broker's request threads took 0.37 cores. Waiting out the rest of this interval
     * gathers more commands per transaction; it delays a trade's publication by at most this much.
     */
    private static final long MIN_TRANSACTION_INTERVAL_NANOS = 20_000_000L;

    private final MatcherProperties props;
    private final String bootstrap;
    private final SnapshotStore snapshots;
    private final SnapshotWriter snapshotWriter;
    private final Timer applyTimer;
    private final Counter commandsCounter;
    private final MeterRegistry meters;
    /**
     * Orders accepted and rejected (by code), trades, blocks: one counter per event type, registered on first use
     * and then kept here, because looking one up builds its tags and searches the registry, for every event.
     * Bounded: one per Event type (a sealed interface) and one per RejectCode. Touched by the loop thread only.
     */
    private final Map<Class<?>, Counter> eventCounters = new HashMap<>();
    private final Counter[] rejectedCounters = new Counter[RejectCode.values().length];
    private final AtomicLong lag = new AtomicLong();
    private final AtomicLong appliedSeq = new AtomicLong(-1);
    private volatile boolean running = true;
    private volatile boolean ready;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Exchange engine;

    Matcher(MatcherProperties props, String bootstrap, SnapshotStore snapshots, MeterRegistry meters) {
        this.props = props;
        this.bootstrap = bootstrap;
        this.snapshots = snapshots;
        this.snapshotWriter = new SnapshotWriter(snapshots, meters);
        this.applyTimer = Timer.builder("matcher.apply").description("engine time per command batch")
                .publishPercentileHistogram().register(meters);
        this.commandsCounter = Counter.builder("matcher.commands").register(meters);
        this.meters = meters;
        meters.gauge("matcher.consumer.lag", lag);
        meters.gauge("matcher.applied.seq", appliedSeq);
    }

    private Counter eventCounter(Event e) {
        if (e instanceof Event.OrderRejected rejected) {
            int k = rejected.code().ordinal();
            Counter c = rejectedCounters[k];
            if (c == null) {
                c = meters.counter("matcher.events", "type", "OrderRejected", "code", rejected.code().name());
                rejectedCounters[k] = c;
            }
            return c;
        }
        return eventCounters.computeIfAbsent(e.getClass(),
                type -> meters.counter("matcher.events", "type", type.getSimpleName()));
    }

    boolean ready() {
        return ready;
    }

    long appliedSeq() {
        return appliedSeq.get();
    }

    void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) c.wakeup();
    }

    /** Runs until stopped; after a failure (broker gone, fenced) it starts over from the snapshot and log. */
    @Override
    public void run() {
        try (snapshotWriter) {
            while (running) {
                try {
                    runOnce();
                } catch (RuntimeException e) {
                    if (!running) return;
                    log.error("matcher failed; recovering from the snapshot and the log in 1 s", e);
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private void runOnce() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps());
             KafkaProducer<String, String> tx = new KafkaProducer<>(producerProps(true));
             KafkaProducer<String, String> sealer = new KafkaProducer<>(producerProps(false))) {
            consumer = c;
            tx.initTransactions(); // fences any older matcher instance with the same transactional id
            c.assign(List.of(LOG));
            recover(c);
            ready = true;
            try {
                loop(c, tx, sealer);
            } catch (WakeupException e) {
                if (running) throw e;
            }
            // A clean stop happens between batches, when the engine matches the committed offset: snapshot it
            // so the next start replays nothing.
            try {
                snapshotWriter.saveNow(engine.lastSeq(), engine.height(), Sha256.hex(engine.stateRoot()), Snapshot.write(engine));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("matcher stopped at seq {}, interrupted before its snapshot was saved", engine.lastSeq());
                return;
            } catch (RuntimeException e) { // the database: the next start replays from the newest stored snapshot
                log.warn("matcher stopped at seq {}; its final snapshot was not saved: {}", engine.lastSeq(), e.toString());
                return;
            }
            log.info("matcher stopped cleanly at seq {} (snapshot saved)", engine.lastSeq());
        } finally {
            ready = false;
        }
    }

    private void recover(KafkaConsumer<String, byte[]> c) {
        SnapshotStore.Stored snap = snapshots.latest();
        engine = snap == null ? new Exchange() : Snapshot.read(snap.state(), LevelBook::new);
        long next = publishedUpTo(bootstrap);
        long from = engine.lastSeq() + 1;
        if (from > next) {
            throw new IllegalStateException("snapshot at seq " + engine.lastSeq() + " is ahead of the published events (next seq "
                    + next + "): refusing to skip publishing events");
        }
        c.seek(LOG, from);
        long replayed = 0;
        while (c.position(LOG) < next) {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                if (r.offset() >= next) {
                    c.seek(LOG, next);
                    break;
                }
                Command cmd = parse(r);
                if (cmd != null) engine.apply(cmd);
                replayed++;
            }
        }
        c.seek(LOG, next);
        appliedSeq.set(engine.lastSeq());
        log.info("matcher recovered: snapshot seq {}, replayed {} commands, resuming at offset {}, height {}",
                snap == null ? -1 : snap.lastSeq(), replayed, next, engine.height());
    }

    private void loop(KafkaConsumer<String, byte[]> c, KafkaProducer<String, String> tx,
                      KafkaProducer<String, String> sealer) {
        int sinceSeal = 0;
        long sinceSnapshot = 0;
        long lastSnapshotNanos = System.nanoTime();
        boolean sealInFlight = false;
        long lastSealNanos = System.nanoTime();
        List<Event> events = new ArrayList<>(64);
        long lastTransactionNanos = System.nanoTime() - MIN_TRANSACTION_INTERVAL_NANOS;
        while (running) {
            long wait = lastTransactionNanos + MIN_TRANSACTION_INTERVAL_NANOS - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) { // a stop: as stop() would, between transactions
                    running = false;
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(20));
            if (!records.isEmpty()) {
                long t0 = System.nanoTime();
                lastTransactionNanos = t0;
                tx.beginTransaction();
                for (ConsumerRecord<String, byte[]> r : records) {
                    Command cmd = parse(r);
                    if (cmd == null) continue;
                    events.clear();
                    engine.apply(cmd, events);
                    for (int i = 0; i < events.size(); i++) {
                        Event e = events.get(i);
                        String json = MessageJson.write(e);
                        eventCounter(e).increment();
                        tx.send(new ProducerRecord<>(Topics.EVENTS, 0, cmd.seq() + ":" + i, json));
                        if (e instanceof TradeExecuted t) {
                            tx.send(new ProducerRecord<>(Topics.TRADES, String.valueOf(t.marketId()), json));
                        }
                        if (e instanceof BlockSealed b) {
                            log.debug("sealed block {} root {}", b.height(), b.stateRoot());
                        }
                    }
                    if (cmd instanceof SealBlock) {
                        sinceSeal = 0;
                        sealInFlight = false;
                        lastSealNanos = System.nanoTime();
                    } else {
                        sinceSeal++;
                    }
                    sinceSnapshot++;
                }
                tx.commitTransaction();
                applyTimer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
                commandsCounter.increment(records.count());
                appliedSeq.set(engine.lastSeq());
                // Serialized here (consistent with the committed batch), stored by the writer's thread: see SnapshotWriter.
                if (sinceSnapshot >= props.snapshotEveryCommands()
                        && System.nanoTime() - lastSnapshotNanos >= props.snapshotIntervalMs() * 1_000_000L
                        && !snapshotWriter.busy()) {
                    if (snapshotWriter.offer(engine.lastSeq(), engine.height(), Sha256.hex(engine.stateRoot()), Snapshot.write(engine))) {
                        sinceSnapshot = 0;
                        lastSnapshotNanos = System.nanoTime();
                    }
                }
            }
            c.currentLag(LOG).ifPresent(lag::set); // the client's own figure: no broker request per loop
            boolean due = sinceSeal >= props.sealEveryCommands()
                    || (sinceSeal > 0 && System.nanoTime() - lastSealNanos >= props.sealIntervalMs() * 1_000_000L);
            if (due && !sealInFlight) {
                // The wall clock only decides when to append a SealBlock; the boundary itself is in the log.
                sealer.send(new ProducerRecord<>(Topics.COMMANDS, 0, "seal",
                        MessageJson.write(new SealBlock(Command.UNSEQUENCED, 0))));
                sealInFlight = true;
            }
        }
    }

    /** How far back {@link #publishedUpTo} looks at first (records: events and transaction markers); it doubles from there. */
    static final int TAIL_WINDOW = 1_024;

    /**
     * The seq of the first command whose events are not on exchange.events: one past the seq in the key
     * ({@code "seq:index"}) of the last committed event, 0 when there is none. The tail is read committed, so a
     * zombie's aborted batch and an open transaction (cut short by a crash; the new producer's
     * {@code initTransactions} aborts it first) count for nothing. A command with no events (a malformed record)
     * just after that point is applied again on resume, which publishes nothing. The window starts at
     * {@link #TAIL_WINDOW} records before the end and doubles (bounded by the partition's start) until it holds an
     * event: a transaction's markers and aborted records can sit after the last event.
     */
    static long publishedUpTo(String bootstrap) {
        TopicPartition events = new TopicPartition(Topics.EVENTS, 0);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.assign(List.of(events));
            long start = c.beginningOffsets(List.of(events)).get(events);
            long end = c.endOffsets(List.of(events)).get(events); // the last stable offset, read committed
            long deadline = System.nanoTime() + 60_000_000_000L;
            for (long window = TAIL_WINDOW; ; window *= 2) {
                long from = Math.max(start, end - window);
                c.seek(events, from);
                String lastKey = null;
                while (c.position(events) < end) {
                    // A broker that stops answering fails the recovery (retried by run()), rather than hanging in it.
                    if (System.nanoTime() > deadline) throw new IllegalStateException("exchange.events tail not read within 60 s");
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                        if (r.offset() < end) lastKey = r.key();
                    }
                }
                if (lastKey != null) {
                    int colon = lastKey.indexOf(':');
                    if (colon <= 0) throw new IllegalStateException("exchange.events ends with a record keyed " + lastKey + ", not seq:index");
                    return Long.parseLong(lastKey.substring(0, colon)) + 1;
                }
                if (from == start) return 0;
            }
        }
    }

    /** A record that is not a valid command is skipped (and logged): deterministic, since the log is fixed. */
    private static Command parse(ConsumerRecord<String, byte[]> r) {
        try {
            return MessageJson.readCommand(r.value()).sequenced(r.offset(), r.timestamp());
        } catch (RuntimeException e) {
            log.warn("skipping malformed command at offset {}: {}", r.offset(), e.getMessage());
            return null;
        }
    }

    private Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class); // read as bytes: MessageJson.readCommand(byte[])
        return p;
    }

    private Properties producerProps(boolean transactional) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        // A batch of commands makes a few MB of events and trades: in Kafka's default 16 KB batches that was about a
        // hundred produce requests per transaction, each forced to disk by the broker, and commits took up to 1.5 s
        // under load. One large compressed batch per partition per request instead.
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 << 10); // under the broker's 1 MB message.max.bytes
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A transaction that begins while the broker still writes the previous one's markers is answered
        // CONCURRENT_TRANSACTIONS and retried after this backoff: at Kafka's 100 ms default that wait was most of
        // every batch (sendOffsetsToTransaction p50 about 100 ms under load, docs/benchmarks.md).
        // The backoff also grows exponentially on repeated retries (to a second by default): capped, so that a
        // transaction waits for the previous one's markers about as long as they take, not hundreds of ms longer.
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 20);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        if (transactional) p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, props.transactionalId());
        return p;
    }
}
