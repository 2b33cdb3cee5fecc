package io.zkclob.launcher;

import java.nio.file.Path;
import java.util.List;

/**
 * One part of the fleet per OS process, for the crash test ({@code scripts/chaos}): a kill -9 then takes down
 * exactly that part, as a crashed machine or container would, where the one-JVM {@link Launcher} would take
 * down everything. Prints {@code READY <role> pid=<pid>} once the part serves, then runs until killed.
 *
 * <pre>Node kafka|postgres|matching|ledger|order|gateway|block|prover|markets dataDir [pg,kafka,gateway,order,matching,ledger,block,prover,gatewayWs]</pre>
 * {@code postgres}: this process starts the embedded PostgreSQL daemon (its own process group, the postmaster's
 * pid is in {@code dataDir/pg/postmaster.pid}) and holds it; a later start on the same data stops a daemon whose
 * holder died ({@link StalePostgres}). {@code markets}: lists the assets and markets (idempotent) and exits.
 */
public final class Node {
    static final List<String> ROLES = List.of("kafka", "postgres", "matching", "ledger", "order", "gateway", "block", "prover", "markets");

    private Node() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !ROLES.contains(args[0])) {
            System.err.println("usage: Node " + String.join("|", ROLES) + " dataDir [ports: pg,kafka,gateway,order,matching,ledger,block,prover,gatewayWs]");
            System.exit(2);
        }
        String role = args[0];
        Path data = Path.of(args[1]).toAbsolutePath();
        Launcher.Ports ports = args.length > 2 ? ports(args[2]) : Launcher.Ports.defaults();
        Launcher node = new Launcher(data, ports);
        switch (role) {
            case "kafka" -> node.brokerOwnsProcess().startKafka();
            case "postgres" -> node.startPostgres();
            case "markets" -> node.bootstrapMarkets();
            default -> node.startService(role);
        }
        System.out.println("READY " + role + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        if (role.equals("markets")) System.exit(0);
        // A graceful stop (SIGTERM) closes what this process started; a kill -9 is what the crash test is about.
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "node-shutdown"));
        Thread.currentThread().join();
    }

    static Launcher.Ports ports(String csv) {
        String[] p = csv.split(",");
        if (p.length != 9) throw new IllegalArgumentException("9 ports expected: pg,kafka,gateway,order,matching,ledger,block,prover,gatewayWs");
        int[] n = new int[9];
        for (int i = 0; i < 9; i++) n[i] = Integer.parseInt(p[i].trim());
        return new Launcher.Ports(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8]);
    }
}
