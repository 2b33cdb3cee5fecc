package io.zkclob.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL's processes, each a session leader as PostgreSQL makes them, end up at the background priority. */
class PostgresPriorityTest {
    @TempDir
    Path pg;

    static int nice(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    @Test
    void aPostmasterAndItsBackendsInSessionsOfTheirOwnRunAtTheBackgroundNiceValue() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")) && Files.isExecutable(Path.of("/usr/bin/renice"))
                && Files.exists(Path.of("/proc/self/stat")), "Linux with setsid and renice");
        // A stand-in postmaster in a session of its own, with a backend that starts a session of its own too.
        Process postmaster = new ProcessBuilder("/usr/bin/setsid", "sh", "-c", "/usr/bin/setsid sleep 60 & exec sleep 60").start();
        try {
            Files.writeString(pg.resolve("postmaster.pid"), postmaster.pid() + "\n" + pg + "\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (postmaster.children().findAny().isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            long backend = postmaster.children().findFirst().orElseThrow().pid();
            assumeTrue(nice(postmaster.pid()) < 7, "this test already runs at a low priority");

            new PostgresPriority(pg, 7).lower();

            for (long pid : new long[] {postmaster.pid(), backend}) {
                assertEquals(7, nice(pid), "nice of " + pid);
                Path group = Path.of("/proc/" + pid + "/autogroup");
                if (Files.exists(group)) assertTrue(Files.readString(group).trim().endsWith(" nice 7"), Files.readString(group));
            }
        } finally {
            postmaster.descendants().forEach(ProcessHandle::destroyForcibly);
            postmaster.destroyForcibly();
        }
    }
}
