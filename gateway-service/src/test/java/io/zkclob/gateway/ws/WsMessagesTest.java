package io.zkclob.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkclob.contracts.json.MessageJson;
import io.zkclob.gateway.InMemoryOrderEntry;
import io.zkclob.gateway.ws.WsMessages.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.BigIntegerNode;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.DoubleNode;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.StringNode;

/** The responses written without Jackson are byte for byte what Jackson writes; the rest is Jackson's own. */
class WsMessagesTest {
    private static void same(Response r) {
        assertEquals(MessageJson.MAPPER.writeValueAsString(r), WsMessages.json(r), String.valueOf(r));
    }

    @Test
    void anAcknowledgementIsWrittenAsJacksonWritesIt() {
        List<JsonNode> ids = new ArrayList<>(List.of(IntNode.valueOf(0), IntNode.valueOf(-7), IntNode.valueOf(Integer.MAX_VALUE),
                LongNode.valueOf(Long.MIN_VALUE), LongNode.valueOf(4_000_000_000L), StringNode.valueOf("o-1"), StringNode.valueOf(""),
                StringNode.valueOf("a\"b"), StringNode.valueOf("a\\b"), StringNode.valueOf("é"), StringNode.valueOf("\t"),
                StringNode.valueOf("\u2028"), StringNode.valueOf("\ud800"), DoubleNode.valueOf(1.5), BooleanNode.TRUE,
                BigIntegerNode.valueOf(new java.math.BigInteger("123456789012345678901234567890"))));
        SplittableRandom rnd = new SplittableRandom(13);
        for (int i = 0; i < 200; i++) ids.add(LongNode.valueOf(rnd.nextLong()));
        for (JsonNode id : ids) {
            for (Boolean duplicate : new Boolean[] {null, true, false}) {
                same(new Response(id, 202, InMemoryOrderEntry.ack(rnd.nextLong(), rnd.nextLong(0, Long.MAX_VALUE), duplicate), null));
                same(new Response(id, 202, InMemoryOrderEntry.ack(Long.MAX_VALUE, 0, duplicate), null));
            }
        }
        same(new Response(null, 202, InMemoryOrderEntry.ack(5, 0, null), null));
    }

    @Test
    void everythingElseIsJacksons() {
        same(new Response(IntNode.valueOf(1), 400, null, new WsMessages.Error("MALFORMED_REQUEST", "no")));
        same(new Response(IntNode.valueOf(1), 200, new WsMessages.SessionStatus(5L, 17), null));
        same(new Response(StringNode.valueOf("x"), 200, java.util.Map.of(), null));
    }
}
