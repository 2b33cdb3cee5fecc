package io.zkclob.gateway;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.ApiException;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.http.HttpStatus;

/**
 * Appends commands to the one-partition log and returns the offset Kafka assigned (the command's seq; for a
 * PlaceOrder also its order id). Idempotent producer, acks=all: an acknowledged command is durable and never
 * duplicated by producer retries. A command that could not be acknowledged is reported as 503: the client
 * retries with the same clientOrderId and the gateway answers with the original order if it did land.
 *
 * <p>Appends are asynchronous: the producer gathers what arrives within {@link #LINGER_MS} into one batch (one
 * request, one replication round for many orders) and each append completes from its own callback, so no
 * thread waits per order. Callbacks run on the producer's I/O thread: whoever continues a returned future with
 * blocking work (a database write) must continue it on another executor.
 */
final class CommandLog implements AutoCloseable {
    /**
     * One produce request at a time, each carrying what arrived while the previous one was out or during the last
     * {@link #LINGER_MS}. The broker's threads and the producer's I/O thread work per request far more than per
     * order (a log write, a selector wake-up, a response, the thread hand-offs), and with 1 ms and 5 in flight the
     * gateway sent 500-600 requests a second at 2,000 and at 6,000 orders/s alike. 3 ms and one in flight: about
     * 250 a second of 25 orders at 6,000/s, the fleet's CPU 66-67 s -> 58.8 s a minute, ack p99 41-48 -> 24.4 ms,
     * p50 3.7 -> 4.5 ms (docs/benchmarks.md, session 15). The cost: up to 3 ms more per acknowledgement when the
     * log is idle.
     */
    static final int LINGER_MS = 3;
    static final int MAX_IN_FLIGHT = 1;
    private final Producer<String, String> producer;

    /**
     * {@code lingerMs}: {@code gateway.log.linger-ms}, {@link #LINGER_MS} unless configured; {@code maxInFlight}:
     * {@code gateway.log.max-in-flight}, {@link #MAX_IN_FLIGHT} unless configured.
     */
    CommandLog(String bootstrap, int lingerMs, int maxInFlight) {
        this(new KafkaProducer<>(props(bootstrap, lingerMs, maxInFlight)));
    }

    /** Tests pass Kafka's MockProducer, to see what reached the log. */
    CommandLog(Producer<String, String> producer) {
        this.producer = producer;
    }

    private static Properties props(String bootstrap, int lingerMs, int maxInFlight) {
        if (lingerMs < 0 || lingerMs > 100) throw new IllegalArgumentException("gateway.log.linger-ms " + lingerMs + " is outside 0..100");
        // Idempotence keeps order and exactly-once with at most 5 requests in flight per partition.
        if (maxInFlight < 1 || maxInFlight > 5) throw new IllegalArgumentException("gateway.log.max-in-flight " + maxInFlight + " is outside 1..5");
        Properties p = io.zkclob.support.KafkaClients.producerProps(bootstrap); // acks=all, idempotent
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // No compression: the producer compresses while it holds its batch queue's lock, which every request thread
        // appending an order needed too (68 ms average waits at 3,000 orders/s); commands are a few hundred bytes.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, maxInFlight);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        // A full buffer (the broker is down) fails the send after 1 s instead of blocking the request thread.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
        return p;
    }

    /**
     * Sends the command; the future completes with its offset, or exceptionally with 503 LOG_UNAVAILABLE when
     * the log did not acknowledge it (within delivery.timeout.ms).
     */
    CompletableFuture<Long> appendAsync(String key, Command command) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(Topics.COMMANDS, 0, key, MessageJson.write(command)), (metadata, error) -> {
                if (error == null) done.complete(metadata.offset());
                else done.completeExceptionally(unavailable());
            });
        } catch (RuntimeException e) { // buffer full past max.block.ms, producer closed, serialization
            done.completeExceptionally(unavailable());
        }
        return done;
    }

    /** Blocking form, for the operator's and the rarer private endpoints (cancel, withdraw, deposit). */
    long append(String key, Command command) {
        try {
            return appendAsync(key, command).get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "LOG_UNAVAILABLE", "interrupted; retry");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ApiException a ? a : unavailable();
        } catch (TimeoutException e) {
            throw unavailable();
        }
    }

    static ApiException unavailable() {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "LOG_UNAVAILABLE",
                "the command log did not acknowledge the command; retry (with the same clientOrderId for orders)");
    }

    /** The ApiException inside a failed future's exception, or 503 LOG_UNAVAILABLE for anything else. */
    static ApiException cause(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return t instanceof ApiException a ? a : unavailable();
    }

    @Override
    public void close() {
        producer.close();
    }
}
