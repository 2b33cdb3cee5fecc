package io.zkclob.gateway;

import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.ApiException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Request bodies have one reading only. The message mapper is lenient where the log never needs it to be strict;
 * at the edge a body is refused (400 MALFORMED_REQUEST) when two readers could disagree on it: a duplicate key
 * (which "side" wins?), a fraction for an integer ({@code "clientOrderId": 1.5} is not 1), bytes that are not
 * UTF-8 (Jackson would guess UTF-16 or UTF-32 from the first bytes), or the literal {@code null} for an object.
 */
final class RequestJson {
    static final JsonMapper STRICT = MessageJson.MAPPER.rebuild()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            // "status": 0 was read as the enum constant at ordinal 0 (the fuzzer: a SetMarketStatus sequenced so).
            .enable(tools.jackson.databind.cfg.EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            // "label": false was read as the string "false": a number or a boolean where a string is expected is refused.
            .withCoercionConfig(tools.jackson.databind.type.LogicalType.Textual, c -> c
                    .setCoercion(tools.jackson.databind.cfg.CoercionInputShape.Integer, tools.jackson.databind.cfg.CoercionAction.Fail)
                    .setCoercion(tools.jackson.databind.cfg.CoercionInputShape.Float, tools.jackson.databind.cfg.CoercionAction.Fail)
                    .setCoercion(tools.jackson.databind.cfg.CoercionInputShape.Boolean, tools.jackson.databind.cfg.CoercionAction.Fail))
            .build();

    private RequestJson() {}

    static <T> T read(byte[] body, Class<T> type) {
        return read(utf8(body), type);
    }

    /** Text already decoded (strictly): a WebSocket message. */
    static <T> T read(String json, Class<T> type) {
        if (json.isEmpty()) throw malformed("a JSON body is required");
        T value;
        try {
            value = STRICT.readValue(json, type);
        } catch (RuntimeException e) {
            throw malformed("the body is not valid JSON for this request");
        }
        if (value == null) throw malformed("the body must be a JSON object, not null");
        return value;
    }

    /** Decodes strictly: a malformed or truncated sequence is refused, never replaced. */
    static String utf8(byte[] body) {
        if (body == null || body.length == 0) throw malformed("a JSON body is required");
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw malformed("the body must be UTF-8");
        }
    }

    private static ApiException malformed(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", detail);
    }
}
