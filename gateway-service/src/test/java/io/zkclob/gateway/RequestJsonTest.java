package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkclob.support.ApiException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** Issue 11 #7 and #8: request bodies with more than one reading, or none, are refused with 400. */
class RequestJsonTest {
    static void malformed(byte[] body) {
        ApiException e = assertThrows(ApiException.class, () -> TradingApi.parse(body, TradingApi.OrderRequest.class));
        assertEquals(HttpStatus.BAD_REQUEST, e.status());
        assertEquals("MALFORMED_REQUEST", e.code());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCanonicalBodyParses() {
        TradingApi.OrderRequest r = TradingApi.parse(utf8("{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"clientOrderId\":5}"),
                TradingApi.OrderRequest.class);
        assertEquals("BUY", r.side());
        assertEquals(5L, r.clientOrderId());
    }

    @Test
    void theLiteralNullIsRefused() {
        malformed(utf8("null"));
        malformed(utf8(" null "));
    }

    @Test
    void duplicateKeysAreRefused() {
        malformed(utf8("{\"market\":\"ETH-USDT\",\"side\":\"BUY\",\"side\":\"SELL\"}"));
    }

    @Test
    void aFractionIsNotAnInteger() {
        malformed(utf8("{\"clientOrderId\":1.5}"));
        malformed(utf8("{\"clientOrderId\":1.0}"));
    }

    @Test
    void bodiesThatAreNotUtf8AreRefused() {
        malformed("{\"market\":\"ETH-USDT\",\"side\":\"BUY\"}".getBytes(StandardCharsets.UTF_16LE));
        malformed("{\"market\":\"ETH-USDT\",\"side\":\"BUY\"}".getBytes(StandardCharsets.UTF_16));
        malformed(new byte[] {'{', '"', 'm', (byte) 0xC3, '"', ':', '1', '}'});
        malformed(new byte[0]);
        malformed(null);
    }

    @Test
    void enumsAreExactNamesOnly() {
        assertEquals("MALFORMED_REQUEST", assertThrows(ApiException.class,
                () -> TradingApi.parseEnum(io.zkclob.contracts.Side.class, "\u017fELL", "side")).code());
        assertEquals("MALFORMED_REQUEST", assertThrows(ApiException.class,
                () -> TradingApi.parseEnum(io.zkclob.contracts.Side.class, "sell", "side")).code());
        assertEquals(io.zkclob.contracts.Side.SELL, TradingApi.parseEnum(io.zkclob.contracts.Side.class, "SELL", "side"));
    }

    /** The fuzzer's conformance check: {"label": false} made a key labelled "false"; "status": 0 was ordinal 0. */
    @Test
    void scalarsOfAnotherTypeAreNotCoerced() {
        for (String body : new String[] {"{\"market\":5,\"side\":\"BUY\"}", "{\"market\":\"ETH-USDT\",\"side\":true}",
                "{\"market\":\"ETH-USDT\",\"price\":3000.5}"}) {
            malformed(utf8(body));
        }
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> RequestJson.STRICT.readValue(
                "{\"type\":\"SetMarketStatus\",\"seq\":0,\"timestampMs\":0,\"marketId\":1,\"status\":0}", io.zkclob.contracts.Command.class));
    }
}
