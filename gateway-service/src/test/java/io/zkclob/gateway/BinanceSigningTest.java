package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Binance's request signing as the gateway checks it: the parameters as sent, HMAC-SHA256, timestamp + recvWindow. */
class BinanceSigningTest {
    /** The worked example of Binance's spot API documentation (SIGNED endpoint examples for POST /api/v3/order). */
    static final String DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
    static final String DOC_QUERY = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    static final String DOC_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";

    final Map<String, ApiKey> stored = new HashMap<>();
    final ApiKeys keys = new ApiKeys(repository(stored));

    /** The two repository methods the request path uses, over a map (JPA itself is exercised by CcxtCompatIT). */
    static ApiKeyRepository repository(Map<String, ApiKey> stored) {
        return (ApiKeyRepository) Proxy.newProxyInstance(ApiKeyRepository.class.getClassLoader(), new Class<?>[] {ApiKeyRepository.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "findById" -> Optional.ofNullable(stored.get((String) args[0]));
                    case "save" -> args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void hmacMatchesBinancesDocumentedExample() {
        byte[] mac = ApiKeys.hmac(DOC_SECRET.getBytes(StandardCharsets.UTF_8), DOC_QUERY);
        assertEquals(DOC_SIGNATURE, HexFormat.of().formatHex(mac));
    }

    @Test
    void signedPayloadIsTheQueryAsSentWithoutTheSignature() {
        BinanceParams p = BinanceParams.parse(DOC_QUERY + "&signature=" + DOC_SIGNATURE, "");
        assertEquals(DOC_QUERY, p.signedPayload());
        assertEquals(DOC_SIGNATURE, p.signature());
        assertEquals("LTCBTC", p.get("symbol"));
        // POST: everything in the form body, as ccxt sends it; Binance's totalParams is query + body.
        BinanceParams body = BinanceParams.parse("", DOC_QUERY + "&signature=" + DOC_SIGNATURE);
        assertEquals(DOC_QUERY, body.signedPayload());
        BinanceParams split = BinanceParams.parse("symbol=LTCBTC&side=BUY", "type=LIMIT&signature=ab");
        assertEquals("symbol=LTCBTC&side=BUYtype=LIMIT", split.signedPayload());
        // Values are decoded for use, never for the signature: the bytes signed are the bytes sent.
        BinanceParams encoded = BinanceParams.parse("newClientOrderId=a%2Db&timestamp=1", "");
        assertEquals("a-b", encoded.get("newClientOrderId"));
        assertEquals("newClientOrderId=a%2Db&timestamp=1", encoded.signedPayload());
    }

    @Test
    void aParameterSentTwiceIsRefused() {
        BinanceException e = assertThrows(BinanceException.class, () -> BinanceParams.parse("symbol=A&symbol=B", ""));
        assertEquals(-1101, e.code());
        assertEquals(-1101, assertThrows(BinanceException.class, () -> BinanceParams.parse("symbol=A", "symbol=B")).code());
        assertEquals(-1101, assertThrows(BinanceException.class, () -> BinanceParams.parse("signature=a", "signature=b")).code());
    }

    @Test
    void aValidKeyAndSignatureAuthenticateTheKeysAccount() {
        long now = 1_499_827_319_559L + 100;
        stored.put("k1", new ApiKey("k1", 7, DOC_SECRET, "bot", true, true, 0));
        BinanceParams p = BinanceParams.parse(DOC_QUERY + "&signature=" + DOC_SIGNATURE, "");
        assertEquals(7, keys.authenticate("k1", p, ApiKeys.Permission.TRADE, now));
        // Hex is case-insensitive.
        BinanceParams upper = BinanceParams.parse(DOC_QUERY + "&signature=" + DOC_SIGNATURE.toUpperCase(), "");
        assertEquals(7, keys.authenticate("k1", upper, ApiKeys.Permission.READ, now));
    }

    @Test
    void eachRefusalHasBinancesCode() {
        long now = 1_499_827_319_559L + 100;
        stored.put("k1", new ApiKey("k1", 7, DOC_SECRET, "bot", true, false, 0));
        BinanceParams p = BinanceParams.parse(DOC_QUERY + "&signature=" + DOC_SIGNATURE, "");
        assertEquals(-2014, code(() -> keys.authenticate(null, p, ApiKeys.Permission.READ, now)));
        assertEquals(-2015, code(() -> keys.authenticate("nope", p, ApiKeys.Permission.READ, now)));
        assertEquals(-2015, code(() -> keys.authenticate("k1", p, ApiKeys.Permission.TRADE, now)), "a read-only key cannot trade");
        BinanceParams tampered = BinanceParams.parse(DOC_QUERY.replace("quantity=1", "quantity=2") + "&signature=" + DOC_SIGNATURE, "");
        assertEquals(-1022, code(() -> keys.authenticate("k1", tampered, ApiKeys.Permission.READ, now)));
        BinanceParams unsigned = BinanceParams.parse(DOC_QUERY, "");
        assertEquals(-1102, code(() -> keys.authenticate("k1", unsigned, ApiKeys.Permission.READ, now)));
    }

    @Test
    void timestampMustBeWithinRecvWindowAndAtMostOneSecondAhead() {
        long ts = 1_000_000L;
        assertDoesNotThrow(() -> ApiKeys.checkTimestamp(BinanceParams.parse("timestamp=" + ts, ""), ts + 5_000));
        assertEquals(-1021, code(() -> ApiKeys.checkTimestamp(BinanceParams.parse("timestamp=" + ts, ""), ts + 5_001)));
        assertDoesNotThrow(() -> ApiKeys.checkTimestamp(BinanceParams.parse("timestamp=" + ts + "&recvWindow=60000", ""), ts + 60_000));
        assertEquals(-1021, code(() -> ApiKeys.checkTimestamp(BinanceParams.parse("timestamp=" + ts, ""), ts - 1_000)));
        assertDoesNotThrow(() -> ApiKeys.checkTimestamp(BinanceParams.parse("timestamp=" + ts, ""), ts - 999));
        assertEquals(-1131, code(() -> ApiKeys.checkTimestamp(BinanceParams.parse("timestamp=" + ts + "&recvWindow=60001", ""), ts)));
        assertEquals(-1102, code(() -> ApiKeys.checkTimestamp(BinanceParams.parse("recvWindow=5000", ""), ts)));
        assertEquals(-1100, code(() -> ApiKeys.checkTimestamp(BinanceParams.parse("timestamp=soon", ""), ts)));
    }

    @Test
    void aRevokedKeyFailsItsNextRequest() {
        long now = 1_499_827_319_559L + 100;
        ApiKey key = new ApiKey("k1", 7, DOC_SECRET, "bot", true, true, 0);
        stored.put("k1", key);
        BinanceParams p = BinanceParams.parse(DOC_QUERY + "&signature=" + DOC_SIGNATURE, "");
        assertEquals(7, keys.authenticate("k1", p, ApiKeys.Permission.READ, now)); // now cached
        keys.revoke(7, "k1");
        assertTrue(key.revoked());
        assertEquals(-2015, code(() -> keys.authenticate("k1", p, ApiKeys.Permission.READ, now)));
    }

    static int code(Runnable r) {
        return assertThrows(BinanceException.class, r::run).code();
    }

    @Test
    void reasonsMapToWhatCcxtReads() {
        assertEquals(BinanceException.INSUFFICIENT_BALANCE, BinanceErrors.translate("INSUFFICIENT_FUNDS", "x").getMessage());
        assertEquals(BinanceException.WOULD_TAKE, BinanceErrors.translate("POST_ONLY_WOULD_CROSS", "x").getMessage());
        assertEquals(-2010, BinanceErrors.translate("POST_ONLY_WOULD_CROSS", "x").code());
        assertTrue(BinanceErrors.translate("INVALID_LOT", "x").getMessage().contains("LOT_SIZE"));
        assertTrue(BinanceErrors.translate("INVALID_TICK", "x").getMessage().contains("PRICE_FILTER"));
        assertEquals(-1121, BinanceErrors.translate("UNKNOWN_MARKET", "x").code());
        assertEquals(503, BinanceErrors.translate("LOG_UNAVAILABLE", "x").status().value());
        assertEquals(429, BinanceErrors.translate("TOO_MANY_REQUESTS", "x").status().value());
        for (String code : List.of("MALFORMED_REQUEST", "INVALID_AMOUNT", "MARKET_HALTED", "SOMETHING_NEW")) {
            assertTrue(BinanceErrors.translate(code, "x").status().is4xxClientError(), code);
        }
    }
}
