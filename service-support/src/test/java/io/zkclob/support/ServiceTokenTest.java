package io.zkclob.support;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.ResourceAccessException;

class ServiceTokenTest {
    private static final ServiceToken TOKEN = new ServiceToken("0123456789abcdef0123456789abcdef");

    /** A backend that accepts the connection and never answers: the call fails instead of waiting for ever. */
    @Test
    void aBackendThatNeverAnswersFailsTheCallInsteadOfHoldingIt() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try (Socket held = silent.accept()) {
                    Thread.sleep(Duration.ofMinutes(1)); // reads nothing, answers nothing
                } catch (Exception closed) {
                    // the test ended
                }
            });
            var client = TOKEN.client("http://127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(300));
            // The bound is only a guard against the hang this test is about, far above the 300 ms asked for.
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(ResourceAccessException.class,
                    () -> client.get().uri("/internal/markets").retrieve().body(String.class)));
            acceptor.interrupt();
        }
    }
}
