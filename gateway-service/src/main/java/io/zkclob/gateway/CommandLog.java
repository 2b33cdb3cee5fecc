package io.zkclob.gateway;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.ApiException;
import java.util.Properties;
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
 */
final class CommandLog implements AutoCloseable {
    private final Producer<String, String> producer;

    CommandLog(String bootstrap) {
        this(new KafkaProducer<>(props(bootstrap)));
    }

    /** Tests pass Kafka's MockProducer, to see what reached the log. */
    CommandLog(Producer<String, String> producer) {
        this.producer = producer;
    }

    private static Properties props(String bootstrap) {
        Properties p = io.zkclob.support.KafkaClients.producerProps(bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return p;
    }

    long append(String key, Command command) {
        try {
            return producer.send(new ProducerRecord<>(Topics.COMMANDS, 0, key, MessageJson.write(command)))
                    .get(15, TimeUnit.SECONDS).offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "LOG_UNAVAILABLE", "interrupted; retry");
        } catch (ExecutionException | TimeoutException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "LOG_UNAVAILABLE",
                    "the command log did not acknowledge the command; retry (with the same clientOrderId for orders)");
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
