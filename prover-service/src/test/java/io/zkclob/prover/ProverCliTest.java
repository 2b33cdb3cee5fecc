package io.zkclob.prover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI runner's time limit, against a stand-in prover script. */
class ProverCliTest {
    @TempDir
    Path dir;

    private ProverCli cli(String script) throws IOException {
        Path cli = dir.resolve("zk-prover");
        Files.writeString(cli, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("guest.elf"), "elf");
        return new ProverCli(new ProverProperties(cli.toString(), dir.resolve("guest.elf").toString(), dir.toString(),
                25, 2_000, 2_000, true, false, "compressed", 4, 10, "test", 60));
    }

    @Test
    void aHungProverTimesOutAndItsWorkersAreKilled() throws Exception {
        Path pidFile = dir.resolve("worker.pid");
        // the "prover" starts a worker that holds stdout open for 60 s, as the real one's workers would
        ProverCli cli = cli("sleep 60 & echo $! > " + pidFile + "; wait");
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> cli.run(1, "execute"));
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertTrue(seconds < 15, "took " + seconds + " s");
        long worker = Long.parseLong(Files.readString(pidFile).trim());
        for (int i = 0; i < 100 && running(worker); i++) Thread.sleep(100); // killed: gone at once; else fail after 10 s
        assertFalse(running(worker), "worker " + worker + " survived the timeout");
    }

    /** Alive and not a zombie (an orphan's reaper may be slow in a container). */
    private static boolean running(long pid) throws IOException {
        String s;
        try {
            s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
    }

    @Test
    void theLastLineOfOutputIsTheAnswer() throws Exception {
        ProverCli cli = cli("echo 'progress...'; echo '{\"ok\":true,\"cycles\":42}'");
        assertEquals(42, cli.run(5, "execute").get("cycles").asLong());
    }
}
