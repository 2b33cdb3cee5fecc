package io.zkclob.support;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zkclob.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchConsumerAwareMessageListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.ContainerProperties.AssignmentCommitOption;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Follows one of the exchange's single-partition logs in a Spring Kafka listener container and hands each poll, as
 * one batch, to a projection that stores its own position with its writes.
 *
 * <ul>
 * <li><b>Position</b>: the log's only partition is assigned, not subscribed (no group rebalance can move it), and
 *     the container starts at {@link #nextOffset()}, the offset after the last record the projection's database
 *     committed. Kafka's group offset is committed at most once a second (asynchronously) as a hint for lag tools only:
 *     if the database lost its last commits while Kafka kept the group's, following the group would skip those
 *     records forever.
 * <li><b>Transient failures</b> (database down, a deadlock): the whole batch is retried, with the partition paused
 *     and an exponential back-off (0.1 s doubling to 5 s), for as long as it takes. Such a batch is never parked
 *     and never skipped; the projection's idempotent watermark makes every retry harmless. Logged at the 1st, 2nd,
 *     4th, 8th... failure in a row and once on recovery, counted in {@code feed.batch.failures}.
 * <li><b>Poison records</b>: a record the follower cannot read ({@link PoisonRecord}) is parked on
 *     {@code <topic>.DLT} by a {@link DeadLetterPublishingRecoverer} (Spring Kafka's headers: original offset,
 *     exception, stack trace; plus {@value #REASON_HEADER}), counted in {@code feed.records.parked}, logged once
 *     at ERROR, and the follower goes on with the next record. If publishing to the dead-letter topic fails, the
 *     record is not skipped: it is read and parked again.
 * <li><b>Log volume</b>: failed group-offset commits (Kafka down) are logged once, at the third failure in a row,
 *     and once when they work again, counted in {@code feed.commit.failures} in between (the hand-written loops logged
 *     Kafka's own "Offset commit failed" for every poll, thousands of lines per outage).
 * <li><b>Observation</b>: observation is enabled; for a batch listener Spring Kafka times each batch
 *     ({@code spring.kafka.listener}, tagged with the container's name). Per-record observations are left off:
 *     they would add work per event at thousands of events a second.
 * </ul>
 */
public abstract class LogFollower implements SmartLifecycle, ApplicationContextAware {
    /**
     * What a read model reads per poll at most. Each poll is one database transaction and one listener call; with
     * {@link #READ_MODEL_FETCH_MIN_BYTES} the fetch wait ({@link ConsumerWorker#READ_MODEL_FETCH_WAIT_MS}) sets the
     * pace at any rate a read model keeps up with: one fetch and one transaction per 100 ms, as at low rates already
     * (at 10,000 orders/s that is about 2,500 events; the 4,000 bound matters when it catches up). Raised from 1,000
     * records and 64 KB, with which a read model fetched and committed whenever 64 KB of compressed events had
     * gathered, every few tens of ms at 10,000 orders/s: PostgreSQL and the read models' threads now take 1.7 s less
     * CPU a minute there (docs/benchmarks.md, session 17), and a read model lags the log by up to 100 ms a hop at
     * every rate. A follower a client waits on ({@link #setFetchWaitMs}) keeps {@link #FOREGROUND_MAX_POLL_RECORDS}
     * and {@link ConsumerWorker#consumerProps}'s 64 KB: short batches, answered as soon as they are there.
     */
    public static final int MAX_POLL_RECORDS = 4_000;
    /** What a read model's fetch waits for (compressed bytes), within the fetch wait; under Kafka's 1 MB per partition. */
    static final int READ_MODEL_FETCH_MIN_BYTES = 512 * 1024;
    /** What a follower a client waits on reads per poll at most. */
    public static final int FOREGROUND_MAX_POLL_RECORDS = 1_000;
    /** The header a parked record carries with the follower's reason, besides Spring Kafka's exception headers. */
    public static final String REASON_HEADER = "zkclob-dlt-reason";
    private static final Logger log = LoggerFactory.getLogger(LogFollower.class);
    private static final int COMMIT_FAILURES_BEFORE_LOG = 3;
    private static final long COMMIT_INTERVAL_MS = 1_000;

    /**
     * A record the follower cannot read, at {@code index} in the batch; thrown by {@link #onBatch} after the records
     * before it are applied (with the poison record's offset as the next offset).
     */
    public static final class PoisonRecord extends RuntimeException {
        private final int index;

        public PoisonRecord(int index, String reason, Throwable cause) {
            super(reason, cause);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    private final String bootstrap;
    private final TopicPartition partition;
    private final String group;
    private final boolean readCommitted;
    private final AtomicLong lag = new AtomicLong();
    private ApplicationContext context;
    private KafkaMessageListenerContainer<String, byte[]> container;
    private volatile int fetchWaitMs = ConsumerWorker.READ_MODEL_FETCH_WAIT_MS;
    /** A read model nobody waits on: its consumer thread runs at a lower priority, and its polls are larger. */
    private volatile boolean background = true;
    private DefaultKafkaProducerFactory<String, byte[]> deadLetterProducers;
    private Counter parked;
    private Counter batchFailures;
    private Counter commitFailures;
    private long failuresInARow; // the consumer thread's only
    private long commitFailuresInARow; // the consumer thread's only (commit callbacks run in its poll)

    /** {@code readCommitted}: skip aborted transactions (the matcher writes events transactionally). */
    protected LogFollower(String bootstrap, String topic, String group, boolean readCommitted) {
        this.bootstrap = bootstrap;
        this.partition = new TopicPartition(topic, 0);
        this.group = group;
        this.readCommitted = readCommitted;
    }

    /**
     * The offset of the first record not yet applied, as the projection's database last committed it (0 for a fresh
     * one); negative: the projection keeps no position (in memory), so the group's committed offset (or the log's
     * beginning) is used.
     */
    protected abstract long nextOffset();

    /**
     * Applies one poll's records (in offset order, at most {@link #MAX_POLL_RECORDS}) and stores {@code nextOffset}
     * with them, idempotently: a batch may come again after a failure. For a record it cannot read it applies the
     * records before it, with that record's offset as the next offset, and throws {@link PoisonRecord}.
     */
    protected abstract void onBatch(List<ConsumerRecord<String, byte[]>> records, long nextOffset);

    /** Stores {@code nextOffset} (past a parked record) without applying anything. */
    protected abstract void skipTo(long nextOffset);

    /** Records in the log after the last batch (Kafka's view after that poll; updated with each batch). */
    public AtomicLong lag() {
        return lag;
    }

    /** Records parked on the dead-letter topic since this follower was created. */
    public long parked() {
        return parked == null ? 0 : (long) parked.count();
    }

    /** Failed attempts at a batch since this follower was created (each was retried). */
    public long batchFailures() {
        return batchFailures == null ? 0 : (long) batchFailures.count();
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public synchronized void start() {
        if (container != null) return;
        meters();
        long next = nextOffset();
        ContainerProperties props = new ContainerProperties(next >= 0
                ? new TopicPartitionOffset(partition.topic(), 0, next)
                : new TopicPartitionOffset(partition.topic(), 0));
        props.setGroupId(group);
        props.setClientId(group + "-" + partition.topic());
        props.setMessageListener(new Listener());
        // A hint for lag tools only, so once a second at most: each commit is a write (and a forced flush) on the
        // broker. Asynchronous, with our callback: a blocking commit would cost a broker round trip, and Spring
        // Kafka's default callback logs every failure (the flood this replaces).
        props.setAckMode(AckMode.TIME);
        props.setAckTime(COMMIT_INTERVAL_MS);
        props.setSyncCommits(false);
        props.setCommitCallback(this::committed);
        props.setAssignmentCommitOption(AssignmentCommitOption.NEVER); // the position is never Kafka's to decide
        props.setPollTimeout(500); // how long a stop waits for an idle poll
        props.setObservationEnabled(true);
        String name = group + "-" + partition.topic().replace('.', '-');
        // A read model's consumer yields the cores to the order path (BackgroundPriority); one a client waits on does not.
        if (background) props.setListenerTaskExecutor(new SimpleAsyncTaskExecutor(BackgroundPriority.threads(name + "-C")));
        container = new KafkaMessageListenerContainer<>(new DefaultKafkaConsumerFactory<>(consumerProps()), props);
        container.setBeanName(name);
        container.setCommonErrorHandler(errorHandler());
        if (context != null) {
            container.setApplicationContext(context);
            container.setApplicationEventPublisher(context);
        }
        container.start();
    }

    @Override
    public synchronized void stop() {
        if (container == null) return;
        container.stop();
        container = null;
        if (deadLetterProducers != null) {
            deadLetterProducers.destroy();
            deadLetterProducers = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return container != null && container.isRunning();
    }

    /**
     * For a follower whose lag a client waits on (execution reports, the funds a verdict releases): the broker answers
     * its fetches within {@code ms} instead of {@link ConsumerWorker#READ_MODEL_FETCH_WAIT_MS} and as soon as 64 KB
     * are there, its polls stay at {@link #FOREGROUND_MAX_POLL_RECORDS}, and its thread keeps the order path's
     * priority (a read model's runs at {@link BackgroundPriority}'s). Before {@link #start}.
     */
    public final void setFetchWaitMs(int ms) {
        if (ms < 0 || ms > ConsumerWorker.READ_MODEL_FETCH_WAIT_MS) throw new IllegalArgumentException("fetch wait " + ms + " ms");
        this.fetchWaitMs = ms;
        this.background = false;
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> p = new HashMap<>();
        ConsumerWorker.consumerProps(bootstrap).forEach((k, v) -> p.put((String) k, v));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Values as the bytes they are: the followers read JSON from bytes (MessageJson.readEvent(byte[])), where a
        // String per record and consumer, then a copy of it back into bytes, were 9 % of what the fleet allocated per
        // order (docs/benchmarks.md, session 20). Keys stay Strings: they are short and read as text.
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, background ? MAX_POLL_RECORDS : FOREGROUND_MAX_POLL_RECORDS);
        // under max.partition.fetch.bytes (1 MB by default), or the broker would always wait out the fetch wait
        if (background) p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, READ_MODEL_FETCH_MIN_BYTES);
        if (readCommitted) p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchWaitMs);
        return p;
    }

    private void meters() {
        if (parked != null) return;
        MeterRegistry registry = context == null ? new SimpleMeterRegistry()
                : context.getBeanProvider(MeterRegistry.class).getIfUnique(SimpleMeterRegistry::new);
        parked = Counter.builder("feed.records.parked").description("records parked on the dead-letter topic (unreadable)")
                .tag("topic", partition.topic()).tag("group", group).register(registry);
        batchFailures = Counter.builder("feed.batch.failures").description("failed attempts at a batch, each retried")
                .tag("topic", partition.topic()).tag("group", group).register(registry);
        commitFailures = Counter.builder("feed.commit.failures").description("failed group-offset commits (a hint only)")
                .tag("topic", partition.topic()).tag("group", group).register(registry);
    }

    private DefaultErrorHandler errorHandler() {
        Map<String, Object> producerProps = toMap(KafkaClients.producerProps(bootstrap));
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class); // parked as it came
        deadLetterProducers = new DefaultKafkaProducerFactory<>(producerProps);
        DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(new KafkaTemplate<>(deadLetterProducers),
                (record, e) -> new TopicPartition(record.topic() + Topics.DEAD_LETTER_SUFFIX, 0));
        deadLetters.addHeadersFunction((record, e) -> {
            PoisonRecord poison = poison(e);
            return new RecordHeaders().add(REASON_HEADER,
                    (poison == null ? String.valueOf(e) : poison.getMessage()).getBytes(StandardCharsets.UTF_8));
        });
        ExponentialBackOff backOff = new ExponentialBackOff(100, 2.0);
        backOff.setMaxInterval(5_000);
        backOff.setMaxElapsedTime(Long.MAX_VALUE); // a transient failure is retried for as long as it lasts
        backOff.setMaxAttempts(Long.MAX_VALUE);
        DefaultErrorHandler handler = new DefaultErrorHandler((record, e) -> park(deadLetters, record, e), backOff);
        // Only a poison record goes to the recoverer. Everything else (Spring Kafka's default list of fatal
        // exceptions included: a ClassCastException in a projection is a bug, not a reason to park events) is
        // retried; with the back-off above that means until it works or the service stops.
        handler.setClassifications(Map.of(PoisonRecord.class, false), true);
        // The handler's own lines ("Seek to current after exception", per parked record, with a stack trace) say
        // nothing that park() has not said once.
        handler.setLogLevel(KafkaException.Level.DEBUG);
        return handler;
    }

    private void park(DeadLetterPublishingRecoverer deadLetters, ConsumerRecord<?, ?> record, Exception e) {
        PoisonRecord poison = poison(e);
        // The recoverer only ever sees a poison record (classifications above); this is the guard that keeps it so.
        if (poison == null) throw new IllegalStateException("not parking a record that failed for another reason", e);
        deadLetters.accept(record, e); // throws if the dead-letter topic did not take it: then it is not skipped
        parked.increment();
        log.error("PARKED {}@{} on {}{} ({}): {}. The follower skipped it and goes on; the projection lacks this record "
                + "until it is rebuilt (docs/reliability.md, dead-letter topics)", record.topic(), record.offset(),
                record.topic(), Topics.DEAD_LETTER_SUFFIX, group, poison.getMessage());
        try {
            skipTo(record.offset() + 1);
        } catch (RuntimeException skipFailed) {
            // The next batch stores a later position anyway; only a restart before it would park this record again.
            log.warn("{}: storing the position past parked offset {} failed: {}", group, record.offset(), skipFailed.toString());
        }
    }

    private static PoisonRecord poison(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PoisonRecord p) return p;
            if (t.getCause() == t) break;
        }
        return null;
    }

    private void committed(Map<TopicPartition, OffsetAndMetadata> offsets, Exception e) {
        if (e == null) {
            if (commitFailuresInARow >= COMMIT_FAILURES_BEFORE_LOG) log.info("{}: group offset commits work again", group);
            commitFailuresInARow = 0;
            return;
        }
        commitFailures.increment();
        // The first commits of a fresh consumer can fail while it finds the group's coordinator: not worth a line.
        if (++commitFailuresInARow == COMMIT_FAILURES_BEFORE_LOG) {
            log.warn("{}: committing the group offset failed {} times in a row ({}); it is a hint for lag tools only, the "
                    + "position is the database's. Further failures are counted in feed.commit.failures, not logged, until a "
                    + "commit works", group, commitFailuresInARow, e.toString());
        }
    }

    private static Map<String, Object> toMap(java.util.Properties p) {
        Map<String, Object> m = new HashMap<>();
        p.forEach((k, v) -> m.put((String) k, v));
        return m;
    }

    private final class Listener implements BatchConsumerAwareMessageListener<String, byte[]> {
        @Override
        public void onMessage(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
            // The position, not last offset + 1: read_committed skips transaction markers, which have offsets too.
            long next = consumer.position(partition);
            try {
                onBatch(records, next);
            } catch (PoisonRecord p) {
                throw new BatchListenerFailedException(p.getMessage(), p, p.index());
            } catch (RuntimeException e) {
                failed(records, e);
                throw e;
            }
            if (failuresInARow > 0) {
                log.info("{}: batch at offset {} applied after {} failed attempts", group, records.get(0).offset(), failuresInARow);
                failuresInARow = 0;
            }
            consumer.currentLag(partition).ifPresent(lag::set);
        }

        private void failed(List<ConsumerRecord<String, byte[]>> records, RuntimeException e) {
            failuresInARow++;
            batchFailures.increment();
            // 1st, 2nd, 4th, 8th... failure in a row: a database down for an hour costs about a dozen lines.
            if (Long.bitCount(failuresInARow) == 1) {
                log.warn("{}: batch at offset {} failed {} time(s) in a row; retrying with back-off, nothing is skipped: {}",
                        group, records.get(0).offset(), failuresInARow, e.toString(), failuresInARow == 1 ? e : null);
            }
        }
    }
}
