package io.zkclob.support;

import io.zkclob.contracts.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the exchange's topics if they are missing (idempotent; every service may call it at start).
 * The command log keeps its records forever and stamps them with the broker's append time; each log the followers
 * read has a dead-letter topic ({@code <log>.DLT}).
 */
public final class KafkaTopics {
    private KafkaTopics() {}

    public static void ensure(String bootstrapServers, short replication) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> wanted = new ArrayList<>();
            Map<String, String> forever = Map.of("retention.ms", "-1", "retention.bytes", "-1",
                    "message.timestamp.type", "LogAppendTime", "min.insync.replicas", replication > 1 ? "2" : "1");
            if (!existing.contains(Topics.COMMANDS)) {
                wanted.add(new NewTopic(Topics.COMMANDS, 1, replication).configs(forever));
            }
            if (!existing.contains(Topics.EVENTS)) {
                wanted.add(new NewTopic(Topics.EVENTS, 1, replication).configs(Map.of("retention.ms", "-1",
                        "retention.bytes", "-1")));
            }
            if (!existing.contains(Topics.TRADES)) {
                wanted.add(new NewTopic(Topics.TRADES, Topics.TRADES_PARTITIONS, replication));
            }
            if (!existing.contains(Topics.BLOCKS)) {
                wanted.add(new NewTopic(Topics.BLOCKS, 1, replication).configs(Map.of("retention.ms", "-1")));
            }
            if (!existing.contains(Topics.PROOFS)) {
                wanted.add(new NewTopic(Topics.PROOFS, 1, replication).configs(Map.of("retention.ms", "-1")));
            }
            // Where the followers park what they cannot read (LogFollower): kept forever, since each parked record
            // is something a projection lacks until it is rebuilt.
            for (String log : List.of(Topics.EVENTS, Topics.COMMANDS)) {
                String deadLetters = log + Topics.DEAD_LETTER_SUFFIX;
                if (!existing.contains(deadLetters)) {
                    wanted.add(new NewTopic(deadLetters, 1, replication).configs(Map.of("retention.ms", "-1",
                            "retention.bytes", "-1")));
                }
            }
            if (wanted.isEmpty()) return;
            try {
                admin.createTopics(wanted).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics on " + bootstrapServers, e.getCause());
        }
    }
}
