package io.zkclob.contracts.json;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of commands and events, used on Kafka topics and in the golden vectors: a {@code type} field
 * with the record's name, then its components by name; longs as JSON numbers (all fit in 63 bits).
 * The messages of the order path go through {@link CanonicalJson} first, which writes exactly what Jackson
 * writes and reads only that form; everything else, and every input it does not take, is Jackson's.
 */
public final class MessageJson {
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private MessageJson() {}

    public static String write(Object message) {
        String fast = CanonicalJson.write(message);
        return fast != null ? fast : MAPPER.writeValueAsString(message);
    }

    public static Command readCommand(String json) {
        Command fast = json == null ? null : CanonicalJson.readCommand(json);
        return fast != null ? fast : MAPPER.readValue(json, Command.class);
    }

    public static Event readEvent(String json) {
        Event fast = json == null ? null : CanonicalJson.readEvent(json);
        return fast != null ? fast : MAPPER.readValue(json, Event.class);
    }

    /**
     * A command from a Kafka record's value as it came (UTF-8): the consumers read these without making a String of
     * each record first (a String per record and consumer, and the reader's copy of it back into bytes, were 9 % of
     * what the fleet allocated per order at 8,000 orders/s; reading the bytes took it from 48.5 to 46.0 KB:
     * docs/benchmarks.md, session 20).
     */
    public static Command readCommand(byte[] utf8) {
        Command fast = utf8 == null ? null : CanonicalJson.readCommand(utf8);
        return fast != null ? fast : MAPPER.readValue(utf8, Command.class);
    }

    /** An event from a Kafka record's value as it came (UTF-8); see {@link #readCommand(byte[])}. */
    public static Event readEvent(byte[] utf8) {
        Event fast = utf8 == null ? null : CanonicalJson.readEvent(utf8);
        return fast != null ? fast : MAPPER.readValue(utf8, Event.class);
    }

    public static Command toCommand(JsonNode node) {
        return MAPPER.treeToValue(node, Command.class);
    }

    public static Event toEvent(JsonNode node) {
        return MAPPER.treeToValue(node, Event.class);
    }

    public static JsonNode tree(Object message) {
        return MAPPER.valueToTree(message);
    }
}
