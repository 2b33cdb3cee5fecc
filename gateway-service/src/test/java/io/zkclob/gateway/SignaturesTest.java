package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkclob.support.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SignaturesTest {
    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /** The restart horizon's row, in memory. */
    static final class StoredHorizon implements ReplayGuard.Horizon {
        long throughMs = Long.MIN_VALUE;

        @Override
        public long load() {
            return throughMs;
        }

        @Override
        public void extend(long through) {
            throughMs = Math.max(throughMs, through);
        }
    }

    /** Signatures with the accounts table and the restart horizon in memory. */
    static final class InMemory extends Signatures {
        final Map<Long, String> keys;
        int keyLookups;

        InMemory(Map<Long, String> keys, ReplayGuard.Horizon horizon) {
            super(null, new GatewayProperties("http://127.0.0.1:1", "http://127.0.0.1:1", "http://127.0.0.1:1", "http://127.0.0.1:1",
                    "op", 10_000), horizon);
            this.keys = keys;
        }

        @Override
        Optional<String> publicKey(long accountId) {
            keyLookups++;
            return Optional.ofNullable(keys.get(accountId));
        }
    }

    KeyPair pair;
    StoredHorizon horizon = new StoredHorizon();
    InMemory signatures;
    String raw;
    long ts;
    byte[] body = "{\"asset\":\"USDT\",\"amount\":\"100\"}".getBytes(StandardCharsets.UTF_8);
    String signature;

    @BeforeEach
    void setUp() throws Exception {
        pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] x509 = pair.getPublic().getEncoded();
        raw = Base64.getEncoder().encodeToString(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
        signatures = new InMemory(Map.of(7L, raw), horizon);
        ts = System.currentTimeMillis();
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(pair.getPrivate());
        s.update((ts + "\nPOST\n/api/v1/withdrawals\n").getBytes(StandardCharsets.UTF_8));
        s.update(body);
        signature = Base64.getEncoder().encodeToString(s.sign());
    }

    ApiException refused(String signatureHeader) {
        return assertThrows(ApiException.class, () -> authenticate(signatureHeader));
    }

    long authenticate(String signatureHeader) {
        return signatures.authenticate("7", String.valueOf(ts), signatureHeader, "POST", "/api/v1/withdrawals", body);
    }

    @Test
    void aSignedRequestIsAcceptedOnceThenRefusedAsAReplay() {
        assertEquals(7, authenticate(signature));
        assertEquals("REPLAYED_REQUEST", refused(signature).code());
    }

    /** Issue 11 #1: the same bytes without padding were a "fresh" signature, a second withdrawal. */
    @Test
    void theSameSignatureWithoutPaddingIsNotASecondRequest() {
        assertEquals(7, authenticate(signature));
        String unpadded = signature.replace("=", "");
        assertEquals("NON_CANONICAL_SIGNATURE", refused(unpadded).code());
    }

    /** Issue 11 #1: the last character carries 4 unused bits; 15 other characters decode to the same bytes. */
    @Test
    void otherUnusedLowBitsInTheLastCharacterAreRefused() {
        int last = signature.length() - 3; // 64 bytes: 86 characters, then "=="
        char c = signature.charAt(last);
        String variant = signature.substring(0, last) + ALPHABET.charAt(ALPHABET.indexOf(c) ^ 1) + "==";
        assertEquals(Arrays.toString(Base64.getDecoder().decode(signature)), Arrays.toString(Base64.getDecoder().decode(variant)),
                "the variant decodes to the same signature bytes");
        assertEquals("NON_CANONICAL_SIGNATURE", refused(variant).code(), "refused even on its first use");
        assertEquals(7, authenticate(signature));
    }

    @Test
    void anotherSpellingOfTheTimestampIsTheSameSignedRequest() {
        assertEquals(7, authenticate(signature));
        ApiException e = assertThrows(ApiException.class, () ->
                signatures.authenticate("7", "+" + ts, signature, "POST", "/api/v1/withdrawals", body));
        assertEquals("REPLAYED_REQUEST", e.code());
    }

    @Test
    void aSignatureThatDoesNotVerifyIsRefused() {
        byte[] other = Base64.getDecoder().decode(signature);
        other[0] ^= 1;
        assertEquals("BAD_SIGNATURE", refused(Base64.getEncoder().encodeToString(other)).code());
    }

    @Test
    void theAccountsKeyIsReadAndDecodedOnce() throws Exception {
        assertEquals(7, authenticate(signature));
        ts += 1;
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(pair.getPrivate());
        s.update((ts + "\nPOST\n/api/v1/withdrawals\n").getBytes(StandardCharsets.UTF_8));
        s.update(body);
        assertEquals(7, authenticate(Base64.getEncoder().encodeToString(s.sign())));
        assertEquals(1, signatures.keyLookups);
    }

    /** What the order-entry port's event loop asks before it verifies a request itself (else: off the loop). */
    @Test
    void onlyACachedKeyAfterTheHorizonIsLoadedAuthenticatesWithoutBlocking() {
        assertFalse(signatures.authenticatesWithoutBlocking("7"), "the horizon is read first");
        assertEquals(7, authenticate(signature));
        assertTrue(signatures.authenticatesWithoutBlocking("7"), "the key is cached now");
        assertFalse(signatures.authenticatesWithoutBlocking("8"), "an unknown account reads the database");
        assertTrue(signatures.authenticatesWithoutBlocking("x"), "refused before any lookup");
        assertEquals(1, signatures.keyLookups);
    }

    @Test
    void anUnknownAccountIsRefusedAndNotCached() {
        ApiException e = assertThrows(ApiException.class, () ->
                signatures.authenticate("8", String.valueOf(ts), signature, "POST", "/api/v1/withdrawals", body));
        assertEquals("UNKNOWN_ACCOUNT", e.code());
        assertThrows(ApiException.class, () -> signatures.authenticate("8", String.valueOf(ts), signature, "POST", "/api/v1/withdrawals", body));
        assertEquals(2, signatures.keyLookups);
    }

    /** Replay keys live in memory only; after a restart the durable horizon refuses what a predecessor may have accepted. */
    @Test
    void aRequestAcceptedBeforeARestartIsRefusedAfterIt() {
        assertEquals(7, authenticate(signature));
        signatures = new InMemory(Map.of(7L, raw), horizon); // the restarted gateway: an empty replay set
        ApiException e = refused(signature);
        assertEquals("STALE_REQUEST", e.code());
        assertTrue(e.getMessage().contains("restarted"), e.getMessage());
    }

    @Test
    void replayKeysAreForgottenOnceTheirTimestampLeavesTheWindow() {
        ReplayGuard guard = new ReplayGuard(new StoredHorizon(), 10_000);
        long now = System.currentTimeMillis();
        guard.accept(7, "a", now, now);
        guard.accept(7, "b", now + 1, now);
        guard.accept(8, "a", now, now);
        assertEquals("REPLAYED_REQUEST", assertThrows(ApiException.class, () -> guard.accept(7, "a", now, now + 5_000)).code());
        guard.purge(now + 10_002);
        assertEquals(0, guard.size());
    }
}
