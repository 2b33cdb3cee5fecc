package io.zkclob.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;

/**
 * A real KRaft Kafka broker in the test's JVM (as the launcher runs it), on free ports and a temporary directory,
 * with the exchange's topics; plus the few client calls the adapter tests need. One per test class: starting one
 * takes a few seconds.
 */
public final class KafkaBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final KafkaRaftServer server;
    private final KafkaProducer<String, String> producer;

    private KafkaBroker(Path dir, int port, KafkaRaftServer server) {
        this.dir = dir;
        this.port = port;
        this.server = server;
        this.producer = KafkaClients.producer(bootstrap());
    }

    public static KafkaBroker start() {
        try {
            Path dir = Files.createTempDirectory("zkclob-kafka-test");
            int port = freePort();
            int controller = freePort();
            // A broker fault must fail the test, not end the JVM (Kafka calls System.exit otherwise).
            Exit.setExitProcedure((code, msg) -> { throw new IllegalStateException("kafka asked to exit(" + code + "): " + msg); });
            Exit.setHaltProcedure((code, msg) -> { throw new IllegalStateException("kafka asked to halt(" + code + "): " + msg); });
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controller);
            p.put("log.dirs", dir.resolve("logs").toString());
            p.put("num.partitions", "1");
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "1");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("transaction.state.log.num.partitions", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            Path cfg = dir.resolve("server.properties");
            try (var w = Files.newBufferedWriter(cfg)) {
                p.store(w, "test broker");
            }
            StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", cfg.toString(), "--standalone"},
                    System.out);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
            server.startup();
            KafkaBroker broker = new KafkaBroker(dir, port, server);
            KafkaTopics.ensure(broker.bootstrap(), (short) 1);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Appends one record (acknowledged by the broker) and answers its offset. */
    public long send(String topic, String key, String value) {
        try {
            return producer.send(new ProducerRecord<>(topic, 0, key, value)).get().offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public long endOffset(String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(ConsumerWorker.consumerProps(bootstrap()))) {
            return c.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
        }
    }

    /** Commits {@code offset} as {@code group}'s position in the topic's partition 0, as a consumer of that group would. */
    public void commit(String group, String topic, long offset) {
        Properties p = ConsumerWorker.consumerProps(bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.assign(List.of(tp));
            c.commitSync(Map.of(tp, new OffsetAndMetadata(offset)), Duration.ofSeconds(30));
        }
    }

    /** The records of the topic's partition 0 from {@code from} to its end now. */
    public List<ConsumerRecord<String, String>> read(String topic, long from) {
        TopicPartition tp = new TopicPartition(topic, 0);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(ConsumerWorker.consumerProps(bootstrap()))) {
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            c.seek(tp, from);
            for (int polls = 0; c.position(tp) < end; polls++) {
                if (polls > 600) throw new IllegalStateException("cannot read " + topic + " up to " + end);
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    /** Waits until {@code condition} holds: an outcome, not a time, is what the tests assert; 60 s bound a hang. */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("never happened: " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }

    @Override
    public void close() {
        producer.close();
        server.shutdown();
        server.awaitShutdown();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
