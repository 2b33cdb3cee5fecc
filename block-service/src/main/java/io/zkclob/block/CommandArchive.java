package io.zkclob.block;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.ConsumerWorker;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Keeps every sequenced command (seq, type, JSON with its seq and timestamp) so a block lists its commands. */
final class CommandArchive extends ConsumerWorker {
    private final String bootstrap;
    private final JdbcClient jdbc;

    CommandArchive(String bootstrap, JdbcClient jdbc) {
        super("blocks-commands", 1_000);
        this.bootstrap = bootstrap;
        this.jdbc = jdbc;
    }

    @Override
    protected Properties consumerProps() {
        Properties p = ConsumerWorker.consumerProps(bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "blocks-commands");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    @Override
    protected void work(KafkaConsumer<String, String> c) {
        c.subscribe(List.of(Topics.COMMANDS));
        while (running()) {
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
    }
}
