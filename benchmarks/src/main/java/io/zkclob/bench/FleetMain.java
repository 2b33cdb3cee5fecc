package io.zkclob.bench;

import io.zkclob.launcher.Launcher;
import io.zkclob.support.ServiceToken;
import java.nio.file.Path;

/**
 * The whole fleet (launcher) on the benchmark's ports, in its own JVM, so that the load generator's CPU is not
 * the fleet's. Prints {@code READY} when every service is up; runs until killed.
 *
 * <pre>FleetMain dataDir</pre>
 */
public final class FleetMain {
    // Below 32768, the ephemeral range: a fleet on 38086 failed to start once because a client socket held the port.
    static final Launcher.Ports PORTS = new Launcher.Ports(21432, 21092, 21080, 21082, 21083, 21084, 21085, 21086, 21081);
    /**
     * The benchmark fleet's service token (its services listen on loopback only), known to the load generator in its
     * other JVM, which reads the ledger's internal endpoints; SERVICE_TOKEN overrides it for both.
     */
    static final String SERVICE_TOKEN = System.getenv().getOrDefault(ServiceToken.ENV, "benchmark-fleet-on-loopback-service-token");

    public static void main(String[] args) throws Exception {
        // The load generator sends from one address and few accounts, far past the gateway's rate limits (docs/api.md):
        // raised out of the way, not turned off, so that the limiter's cost stays in the measured path.
        for (String limit : new String[] {"address-per-second", "address-burst", "account-per-second", "account-burst"}) {
            System.setProperty("gateway.rate-limit." + limit, System.getProperty("gateway.rate-limit." + limit, "100000000"));
        }
        System.setProperty(ServiceToken.PROPERTY, System.getProperty(ServiceToken.PROPERTY, SERVICE_TOKEN));
        Launcher fleet = new Launcher(Path.of(args[0]), PORTS);
        Runtime.getRuntime().addShutdownHook(new Thread(fleet::close, "fleet-shutdown"));
        fleet.start();
        System.out.println("READY gateway=http://127.0.0.1:" + PORTS.gateway() + " kafka=" + fleet.kafkaBootstrap()
                + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        Thread.currentThread().join();
    }
}
