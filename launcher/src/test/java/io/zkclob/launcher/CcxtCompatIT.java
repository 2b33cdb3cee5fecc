package io.zkclob.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real ccxt (PyPI, pinned in scripts/ccxt-check), its unmodified {@code binance} class, against the whole
 * fleet: scripts/ccxt_check.py runs every call the Binance-compatible API serves and the error mapping, and
 * prints one line per check. CCXT_SKIP=1 skips it where PyPI cannot be reached (it says so; CI never sets it).
 */
class CcxtCompatIT {
    static Launcher launcher;
    static final int GATEWAY_PORT = 23080; // below the ephemeral range (32768+), where client sockets of earlier tests may sit

    @BeforeAll
    static void start() throws Exception {
        if (skipped()) return;
        launcher = TestInfra.launcher(Files.createTempDirectory("zkclob-ccxt"),
                new Launcher.Ports(23432, 23092, GATEWAY_PORT, 23082, 23083, 23084, 23085, 23086, 23081));
        launcher.start();
    }

    @AfterAll
    static void stop() {
        if (launcher != null) launcher.close();
    }

    static boolean skipped() {
        return "1".equals(System.getenv("CCXT_SKIP"));
    }

    @Test
    void ccxtBinanceClassRunsEveryCallAgainstTheFleet() throws Exception {
        if (skipped()) {
            System.out.println("CCXT_SKIP=1: NOT running the ccxt compatibility check");
            return;
        }
        Path script = Path.of("..", "scripts", "ccxt-check").toAbsolutePath().normalize();
        Process p = new ProcessBuilder(script.toString(), "http://127.0.0.1:" + GATEWAY_PORT).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                System.out.println("[ccxt] " + line);
                out.append(line).append('\n');
            }
        }
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        assertEquals(0, done ? p.exitValue() : -1, "scripts/ccxt-check failed:\n" + out);
    }
}
