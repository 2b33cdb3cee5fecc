package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.zkclob.contracts.json.MessageJson;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** OrderEntry.ackJson writes an acknowledgement byte for byte as Jackson does, and nothing else. */
class OrderAckJsonTest {
    @Test
    void acknowledgementsAsJacksonWritesThem() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int i = 0; i < 1_000; i++) {
            long orderId = i < 3 ? new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE}[i] : rnd.nextLong();
            Boolean duplicate = new Boolean[] {null, true, false}[i % 3];
            ApiRecords.OrderAck ack = new ApiRecords.OrderAck(orderId, rnd.nextLong(), "SEQUENCED", duplicate);
            assertEquals(MessageJson.MAPPER.writeValueAsString(ack), OrderEntry.ackJson(ack));
        }
        assertNull(OrderEntry.ackJson(new ApiRecords.OrderAck(1, 0, "SE\"Q", null)));
        assertNull(OrderEntry.ackJson(new ApiRecords.OrderAck(1, 0, null, null)));
        assertNull(OrderEntry.ackJson("SEQUENCED"));
        assertNull(OrderEntry.ackJson(null));
    }
}
