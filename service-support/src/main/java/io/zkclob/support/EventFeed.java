package io.zkclob.support;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Follows the engine's event log (committed transactions only) and hands batches to a handler that applies
 * them idempotently (each consumer keeps its own watermark of (seq, index) in its database, in the same
 * transaction as its writes), so a redelivery changes nothing. Kafka offsets are committed after the handler
 * returns, only to shorten the re-read after a restart.
 */
public final class EventFeed implements SmartLifecycle, Runnable {
    public record Indexed(long seq, int index, Event event) {}

    private static final Logger log = LoggerFactory.getLogger(EventFeed.class);
    private static final TopicPartition EVENTS = new TopicPartition(Topics.EVENTS, 0);
    private final String bootstrap;
    private final String group;
    private final Consumer<List<Indexed>> handler;
    private final AtomicLong lastSeq = new AtomicLong(-1);
    private final AtomicLong lag = new AtomicLong();
    private volatile boolean running;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread thread;

    public EventFeed(String bootstrap, String group, Consumer<List<Indexed>> handler) {
        this.bootstrap = bootstrap;
        this.group = group;
        this.handler = handler;
    }

    public long lastSeq() {
        return lastSeq.get();
    }

    public AtomicLong lag() {
        return lag;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this, group + "-events");
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) c.wakeup();
        try {
            if (thread != null) thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void run() {
        while (running) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props())) {
                consumer = c;
                c.subscribe(List.of(Topics.EVENTS));
                while (running) {
                    var records = c.poll(Duration.ofMillis(100));
                    if (records.isEmpty()) {
                        updateLag(c);
                        continue;
                    }
                    List<Indexed> batch = new ArrayList<>(records.count());
                    for (ConsumerRecord<String, String> r : records) {
                        String key = r.key();
                        int colon = key.indexOf(':');
                        batch.add(new Indexed(Long.parseLong(key.substring(0, colon)),
                                Integer.parseInt(key.substring(colon + 1)), MessageJson.readEvent(r.value())));
                    }
                    handler.accept(batch);
                    lastSeq.set(batch.get(batch.size() - 1).seq());
                    c.commitSync();
                    updateLag(c);
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) return;
                log.error("{}: event feed failed, retrying in 1 s", group, e);
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void updateLag(KafkaConsumer<String, String> c) {
        if (c.assignment().contains(EVENTS)) {
            Long end = c.endOffsets(List.of(EVENTS)).get(EVENTS);
            lag.set(end == null ? 0 : Math.max(0, end - c.position(EVENTS)));
        }
    }

    private Properties props() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1_000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return p;
    }
}
