package io.zkclob.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.engine.Exchange;
import io.zkclob.support.KafkaBroker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The matcher resumes where its published events end (it commits no consumer offsets): on a real broker and
 * PostgreSQL, restarts with and without a snapshot publish every command's events exactly once, equal to what a
 * fresh engine replaying the whole command log produces; an aborted transaction at the log's end counts for nothing.
 */
class MatcherRecoveryTest {
    private KafkaBroker broker;
    private EmbeddedPostgres pg;
    private SnapshotStore snapshots;
    private JdbcClient jdbc;

    @BeforeEach
    void start() throws Exception {
        broker = KafkaBroker.start();
        pg = EmbeddedPostgres.start();
        DataSource ds = pg.getPostgresDatabase();
        Flyway.configure().dataSource(ds).locations("classpath:db/migration/matching").load().migrate();
        jdbc = JdbcClient.create(ds);
        snapshots = new SnapshotStore(jdbc);
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
        pg.close();
    }

    @Test
    void thePublishedPositionIsOnePastTheLastCommittedEventsCommand() {
        assertEquals(0, Matcher.publishedUpTo(broker.bootstrap()));
        try (KafkaProducer<String, String> tx = transactional("recovery-test")) {
            tx.initTransactions();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>(Topics.EVENTS, 0, "5:0", "{}"));
            tx.send(new ProducerRecord<>(Topics.EVENTS, 0, "5:1", "{}"));
            tx.commitTransaction();
            assertEquals(6, Matcher.publishedUpTo(broker.bootstrap()));
            // A batch that did not commit (a fenced or failed matcher's) is not published.
            tx.beginTransaction();
            tx.send(new ProducerRecord<>(Topics.EVENTS, 0, "9:0", "{}"));
            tx.flush();
            tx.abortTransaction();
        }
        assertEquals(6, Matcher.publishedUpTo(broker.bootstrap()));
    }

    @Test
    void restartsWithAndWithoutASnapshotPublishEveryCommandsEventsOnce() throws Exception {
        List<String> commands = vectorCommands("sweep.json");
        int half = commands.size() / 2;
        for (String c : commands.subList(0, half)) broker.send(Topics.COMMANDS, "test", c);
        runUntilApplied(broker.endOffset(Topics.COMMANDS) - 1);
        // Restart from the clean stop's snapshot (nothing to replay)...
        for (String c : commands.subList(half, half + 4)) broker.send(Topics.COMMANDS, "test", c);
        runUntilApplied(broker.endOffset(Topics.COMMANDS) - 1);
        // ...and as if it had crashed before any snapshot: the whole log is replayed silently up to the published
        // events, then the new commands are applied and published.
        jdbc.sql("DELETE FROM matcher_snapshots").update();
        for (String c : commands.subList(half + 4, commands.size())) broker.send(Topics.COMMANDS, "test", c);
        runUntilApplied(broker.endOffset(Topics.COMMANDS) - 1);

        List<String> expected = replayWholeLog();
        List<String> published = new ArrayList<>();
        for (ConsumerRecord<String, String> r : readCommitted(Topics.EVENTS)) published.add(r.key() + " " + r.value());
        assertTrue(expected.size() > commands.size(), "the vector's commands produced events: " + expected.size());
        assertEquals(expected, published);
    }

    /** Runs a matcher until it has applied the command at {@code seq}, then stops it (cleanly: it saves a snapshot). */
    private void runUntilApplied(long seq) throws InterruptedException {
        Matcher m = new Matcher(new MatcherProperties(60_000, 1_000_000, 1_000_000, 60_000, "matcher-recovery-test"),
                broker.bootstrap(), snapshots, new SimpleMeterRegistry());
        Thread t = new Thread(m, "matcher");
        t.start();
        KafkaBroker.await("matcher applied seq " + seq, () -> m.appliedSeq() >= seq);
        m.stop();
        t.join(30_000);
        assertTrue(!t.isAlive(), "the matcher stopped");
    }

    /** What a fresh engine makes of the whole command log: "seq:index json" per event, in order. */
    private List<String> replayWholeLog() {
        Exchange engine = new Exchange();
        List<String> out = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        for (ConsumerRecord<String, String> r : readCommitted(Topics.COMMANDS)) {
            events.clear();
            engine.apply(MessageJson.readCommand(r.value()).sequenced(r.offset(), r.timestamp()), events);
            for (int i = 0; i < events.size(); i++) out.add(r.offset() + ":" + i + " " + MessageJson.write(events.get(i)));
        }
        return out;
    }

    private List<ConsumerRecord<String, String>> readCommitted(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        TopicPartition tp = new TopicPartition(topic, 0);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            c.seekToBeginning(List.of(tp));
            for (int polls = 0; c.position(tp) < end; polls++) {
                if (polls > 300) throw new IllegalStateException("cannot read " + topic + " up to " + end);
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    private KafkaProducer<String, String> transactional(String id) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(p);
    }

    /** A golden vector's commands as senders write them (unsequenced: the log assigns seq and time). */
    private static List<String> vectorCommands(String file) throws Exception {
        JsonNode vector = MessageJson.MAPPER.readTree(Files.readString(Path.of("..", "spec", "vectors", file)));
        List<String> out = new ArrayList<>();
        for (JsonNode c : vector.get("commands")) {
            out.add(MessageJson.write(MessageJson.toCommand(c).sequenced(Command.UNSEQUENCED, 0)));
        }
        return out;
    }
}
