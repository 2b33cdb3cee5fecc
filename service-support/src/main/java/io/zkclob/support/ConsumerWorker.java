package io.zkclob.support;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A Kafka consumer loop on its own thread, started and stopped with the application: {@link #work} runs with a
 * fresh consumer until the application stops (stop() wakes the consumer up); after a failure the loop starts
 * over with a new consumer after {@code retryMs}.
 *
 * <p>Projections do not use it: they follow their logs in Spring Kafka listener containers ({@link LogFollower}).
 * What is left here is a loop whose every failure must rebuild its whole state from the log's beginning
 * (prover-service's {@code RangeBuilder}), which a container's retry of one batch cannot express.
 */
public abstract class ConsumerWorker implements SmartLifecycle, Runnable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerWorker.class);
    private final String name;
    private final long retryMs;
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    protected ConsumerWorker(String name, long retryMs) {
        this.name = name;
        this.retryMs = retryMs;
    }

    /** How long the broker may hold a read model's fetch while less than its minimum (64 KB here, 512 KB in LogFollower's read models) is there. */
    public static final int READ_MODEL_FETCH_WAIT_MS = 100;

    /** Bootstrap servers, String keys and values, manual commits: what every consumer here starts from. */
    public static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        // Fetch in batches: with Kafka's defaults (answer as soon as one byte is there) each projection fetched, and
        // wrote one database transaction, per producer batch of the gateway (about one order at a few hundred
        // orders/s), and the broker spent its time answering small fetches. A read model may lag by up to
        // READ_MODEL_FETCH_WAIT_MS more per hop, so that ten idle followers do not fetch a hundred times a second
        // each (at 500 orders/s this did not measurably lower the broker's CPU, which is produce and transaction
        // traffic: docs/benchmarks.md, session 6). What a client waits on sets its own: the matcher, and the
        // gateway's feed of execution reports and funds. LogFollower's read models wait for more (512 KB).
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, READ_MODEL_FETCH_WAIT_MS);
        return p;
    }

    /** The configuration of the consumer each attempt creates. */
    protected abstract Properties consumerProps();

    /**
     * Consumes until {@link #running()} turns false; throwing starts a new attempt. Values come as their bytes (the
     * JSON readers take UTF-8: no String per record), whatever {@link #consumerProps()} says.
     */
    protected abstract void work(KafkaConsumer<String, byte[]> consumer) throws Exception;

    protected final boolean running() {
        return running;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this, name);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
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
    public final void run() {
        BackgroundPriority.lowerCurrentThread(); // background work (the prover's ranges): it yields to the order path
        while (running) {
            Properties props = consumerProps();
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
                consumer = c;
                work(c);
            } catch (WakeupException e) {
                if (!running) return;
            } catch (Exception e) {
                if (!running) return;
                log.error("{} failed; starting over in {} ms", name, retryMs, e);
                try {
                    Thread.sleep(retryMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
