package io.zkclob.order;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.PlaceOrder;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.ConsumerWorker;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads PlaceOrder commands back from the command log (kept forever; a command's seq is its offset). Called by
 * the projector's thread only for rejected orders, so its cost follows the reject rate, not the order rate.
 */
final class CommandLogReader implements PlacedOrders, AutoCloseable {
    private static final TopicPartition LOG = new TopicPartition(Topics.COMMANDS, 0);
    private static final int MAX_POLLS_PER_CALL = 100; // 20 s of 200 ms polls, then the batch fails and is retried
    private final KafkaConsumer<String, String> consumer;

    CommandLogReader(String bootstrap) {
        Properties p = ConsumerWorker.consumerProps(bootstrap);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        consumer = new KafkaConsumer<>(p); // no group: it only seeks and reads
        consumer.assign(List.of(LOG));
    }

    @Override
    public synchronized Map<Long, PlaceOrder> find(Collection<Long> seqs) {
        TreeSet<Long> wanted = new TreeSet<>(seqs);
        Map<Long, PlaceOrder> found = new HashMap<>();
        int polls = 0;
        while (!wanted.isEmpty()) {
            long target = wanted.first();
            consumer.seek(LOG, target);
            boolean reached = false;
            while (!reached) {
                if (++polls > MAX_POLLS_PER_CALL) throw new IllegalStateException("cannot read command " + target + " from the log");
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    reached |= r.offset() >= target;
                    if (!wanted.remove(r.offset())) continue;
                    try {
                        if (MessageJson.readCommand(r.value()).sequenced(r.offset(), r.timestamp()) instanceof PlaceOrder p) {
                            found.put(r.offset(), p);
                        }
                    } catch (RuntimeException e) {
                        // a malformed command was never a PlaceOrder the engine saw: leave it absent
                    }
                }
            }
            wanted.headSet(consumer.position(LOG)).clear(); // seqs passed over are not in the log: absent
        }
        return found;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
