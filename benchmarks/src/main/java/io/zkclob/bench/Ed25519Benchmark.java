package io.zkclob.bench;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * ns per Ed25519 verification of an order-sized request: the JDK's provider (key decoded from X.509 each time,
 * as the gateway did) against BouncyCastle's RFC 8032 code with the key decoded once (as the gateway does now).
 * JMH-style: the messages are signed before timing, each variant warms up, then a timed loop over them; a
 * failed verification stops the run, so the loop cannot be optimised away. Prints one line per variant.
 *
 * <pre>Ed25519Benchmark [verifications] [rounds]</pre>
 */
public final class Ed25519Benchmark {
    interface Verifier {
        boolean verify(byte[] message, byte[] signature) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] x509 = pair.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
        byte[][] messages = new byte[1_024][];
        byte[][] signatures = new byte[messages.length][];
        Signature signer = Signature.getInstance("Ed25519");
        for (int i = 0; i < messages.length; i++) {
            messages[i] = ((1_790_000_000_000L + i) + "\nPOST\n/api/v1/orders\n{\"market\":\"ETH-USDT\",\"side\":\"BUY\","
                    + "\"type\":\"LIMIT\",\"price\":\"3000.0" + (i % 10) + "\",\"qty\":\"0.01\"}").getBytes(StandardCharsets.UTF_8);
            signer.initSign(pair.getPrivate());
            signer.update(messages[i]);
            signatures[i] = signer.sign();
        }
        Verifier jdk = (m, s) -> {
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(key);
            v.update(m);
            return v.verify(s);
        };
        PublicKey decoded = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
        Verifier jdkCachedKey = (m, s) -> {
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(decoded);
            v.update(m);
            return v.verify(s);
        };
        Ed25519.PublicPoint point = Ed25519.validatePublicKeyPartialExport(raw, 0);
        Verifier bouncy = (m, s) -> Ed25519.verify(s, 0, point, m, 0, m.length);
        System.out.printf("machine: %d cores, %s, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        for (int r = 0; r < rounds; r++) {
            time("JDK (key decoded per request)", jdk, messages, signatures, n);
            time("JDK (key decoded once)", jdkCachedKey, messages, signatures, n);
            time("BouncyCastle rfc8032 (key decoded once)", bouncy, messages, signatures, n);
        }
    }

    static void time(String name, Verifier v, byte[][] messages, byte[][] signatures, int n) throws Exception {
        for (int i = 0; i < n / 2; i++) check(v, messages, signatures, i); // warm-up
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) check(v, messages, signatures, i);
        long ns = System.nanoTime() - t0;
        System.out.printf("ed25519 %-42s %8d ns/verify  (%,d verifies/s on one core)%n", name, ns / n, 1_000_000_000L * n / ns);
    }

    private static void check(Verifier v, byte[][] messages, byte[][] signatures, int i) throws Exception {
        int k = i % messages.length;
        if (!v.verify(messages[k], signatures[k])) throw new IllegalStateException("signature " + k + " did not verify");
    }
}
