package io.zkclob.prover;

import io.zkclob.contracts.json.MessageJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/** Runs the zk-prover CLI (one JSON object on stdout per call) with a time limit. */
final class ProverCli {
    private final ProverProperties props;

    ProverCli(ProverProperties props) {
        this.props = props;
    }

    String elfPath() {
        return props.elf();
    }

    boolean available() {
        return Files.isExecutable(Path.of(props.cli())) && Files.isRegularFile(Path.of(props.elf()));
    }

    private static final String CHRT = "/usr/bin/chrt";

    JsonNode run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        // Proving and executing ranges are background work (proving takes minutes of every core; executing every
        // range takes most of a core at a few thousand orders/s): the exchange beside them keeps priority, and the
        // guest catches up when the load drops. SCHED_IDLE where chrt exists: the CLI runs only on a core nothing
        // else wants (at nice 10 it still took a share of every busy core); nice 10 otherwise. docs/benchmarks.md,
        // "Session 7: where the tail comes from, and background work at low priority".
        if (Files.isExecutable(Path.of(CHRT))) cmd.addAll(List.of(CHRT, "--idle", "0"));
        else if (Files.isExecutable(Path.of("/usr/bin/nice"))) cmd.addAll(List.of("/usr/bin/nice", "-n", "10"));
        cmd.add(props.cli());
        cmd.addAll(List.of(args));
        // stdout goes to a file, not a pipe: reading a pipe to its end would block past the time limit.
        Path out = Files.createTempFile("zk-prover-" + args[0] + "-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(out.toFile());
            // SP1's worker counts, buffers, shard size and memory limits: the CLI's own low-memory defaults
            // (zk-guest/prover/src/main.rs, CPU_PROVER_DEFAULTS; docs/zk.md, "Proving on these machines"), which
            // this process's environment overrides when it sets them.
            Process p = pb.start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    throw new IOException("zk-prover " + args[0] + " timed out after " + timeoutSeconds + " s");
                }
            } finally {
                if (p.isAlive()) destroyTree(p); // timed out, or this thread was interrupted
            }
            String text = Files.readString(out, StandardCharsets.UTF_8).trim();
            String last = text.substring(text.lastIndexOf('\n') + 1);
            try {
                return MessageJson.MAPPER.readTree(last);
            } catch (RuntimeException e) {
                throw new IOException("zk-prover printed no JSON (exit " + p.exitValue() + "): " + last);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The prover forks workers: kill them too, children first, and wait (bounded) for the process to go. */
    private static void destroyTree(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    JsonNode execute(Path witness) throws IOException, InterruptedException {
        return run(600, "execute", "--elf", props.elf(), "--input", witness.toString());
    }

    JsonNode prove(Path witness, Path out) throws IOException, InterruptedException {
        return run(6 * 3600, "prove", "--mode", props.mode(), "--elf", props.elf(), "--input", witness.toString(),
                "--out", out.toString());
    }

    JsonNode verify(Path proof) throws IOException, InterruptedException {
        return run(600, "verify", "--elf", props.elf(), proof.toString());
    }

    JsonNode vkey() throws IOException, InterruptedException {
        return run(600, "vkey", "--elf", props.elf());
    }
}
