package io.zkclob.block;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Keeps every sequenced command (seq, type, JSON with its seq and timestamp) so a block lists its commands. */
final class CommandArchive implements SmartLifecycle, Runnable {
    private static final Logger log = LoggerFactory.getLogger(CommandArchive.class);
    private final String bootstrap;
    private final JdbcClient jdbc;
    private volatile boolean running;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread thread;

    CommandArchive(String bootstrap, JdbcClient jdbc) {
        this.bootstrap = bootstrap;
        this.jdbc = jdbc;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this, "blocks-commands");
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
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "blocks-commands");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        while (running) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
                consumer = c;
                c.subscribe(List.of(Topics.COMMANDS));
                while (running) {
                    var records = c.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<String, String> r : records) {
                        String type;
                        String body;
                        try {
                            Command cmd = MessageJson.readCommand(r.value()).sequenced(r.offset(), r.timestamp());
                            type = cmd.getClass().getSimpleName();
                            body = MessageJson.write(cmd);
                        } catch (RuntimeException e) {
                            type = "Malformed";
                            body = MessageJson.write(java.util.Map.of("seq", r.offset(), "raw", r.value()));
                        }
                        jdbc.sql("INSERT INTO commands VALUES (?, ?, ?) ON CONFLICT DO NOTHING").params(r.offset(), type, body).update();
                    }
                    if (!records.isEmpty()) c.commitSync();
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) return;
                log.error("command archive failed; retrying in 1 s", e);
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
