package io.zkclob.bench;

import io.zkclob.launcher.Launcher;
import java.nio.file.Path;

/**
 * The whole fleet (launcher) on the benchmark's ports, in its own JVM, so that the load generator's CPU is not
 * the fleet's. Prints {@code READY} when every service is up; runs until killed.
 *
 * <pre>FleetMain dataDir</pre>
 */
public final class FleetMain {
    static final Launcher.Ports PORTS = new Launcher.Ports(35432, 39092, 38080, 38082, 38083, 38084, 38085, 38086);

    public static void main(String[] args) throws Exception {
        Launcher fleet = new Launcher(Path.of(args[0]), PORTS);
        Runtime.getRuntime().addShutdownHook(new Thread(fleet::close, "fleet-shutdown"));
        fleet.start();
        System.out.println("READY gateway=http://127.0.0.1:" + PORTS.gateway() + " kafka=" + fleet.kafkaBootstrap()
                + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        Thread.currentThread().join();
    }
}
