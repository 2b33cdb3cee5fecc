package io.zkclob.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed with kill -9 leaves its PostgreSQL behind; the next start must get past it. */
class StalePostgresTest {
    @TempDir
    Path data;

    /**
     * A stand-in postmaster: its command line says postgres and it exits on SIGINT, as a postmaster's fast
     * shutdown does (Python installs its handler even where the parent shell left SIGINT ignored); returned once
     * its handler is installed.
     * Before that a SIGINT is lost when the test runs with SIGINT ignored (a job started in the background by a
     * non-interactive shell, inherited down to this process): a fresh clone's CI run sent it in that window and
     * waited 30 s for nothing.
     */
    private static Process fakePostmaster() throws Exception {
        Process p = new ProcessBuilder(python(), "-c", "import signal, sys, time; signal.signal(signal.SIGINT, lambda *a: sys.exit(0)); "
                + "print('ready', flush=True); time.sleep(120)  # postgres").start();
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
        if (!"ready".equals(line)) throw new AssertionError("the stand-in postmaster did not start: " + line);
        return p;
    }

    /**
     * The interpreter itself, not whatever {@code python3} on the PATH is: a pyenv shim is a bash script that execs
     * pyenv and then Python, so its command line changes twice after it already says "postgres", and a fresh clone's
     * CI run once read it mid-exec (true, then false 25 ms later).
     */
    private static String python() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start();
        String path = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && !path.isEmpty(), "python3 cannot name its interpreter");
        return path;
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor(10, TimeUnit.SECONDS);
        return p.pid();
    }

    /** Waits (at most 30 s) until the process's command line names {@code name}; fails the test with what it shows otherwise. */
    private static void awaitRunning(Process p, String name) throws Exception {
        for (int i = 0; i < 600 && !StalePostgres.running(p.pid(), name); i++) Thread.sleep(50);
        if (!StalePostgres.running(p.pid(), name)) {
            Path cmdline = Path.of("/proc/" + p.pid() + "/cmdline");
            throw new AssertionError("pid " + p.pid() + " (alive: " + p.isAlive() + ") never ran as " + name + "; its command line: "
                    + (Files.exists(cmdline) ? Files.readString(cmdline).replace('\0', ' ') : "gone"));
        }
    }

    private void write(String file, long pid) throws Exception {
        Files.createDirectories(data.resolve("pg"));
        Files.writeString(data.resolve(file), pid + "\n/some/dir\n");
    }

    @Test
    void aPostmasterWhoseLauncherDiedIsStopped() throws Exception {
        Process postmaster = fakePostmaster();
        try {
            // Until it has exec'd, its command line is the JVM's fork, not a postmaster's, and it is rightly left
            // alone (a fresh clone's CI run failed here once): wait for it, bounded, as the test below does.
            awaitRunning(postmaster, "postgres");
            write("launcher.pid", deadPid());
            write("pg/postmaster.pid", postmaster.pid());
            StalePostgres.stopIfOrphaned(data, data.resolve("pg"));
            assertTrue(postmaster.waitFor(10, TimeUnit.SECONDS), "the stale postmaster still runs");
        } finally {
            postmaster.destroyForcibly();
        }
    }

    @Test
    void aPostmasterWhoseLauncherStillRunsIsLeftAloneAndTheStartRefused() throws Exception {
        Process postmaster = fakePostmaster();
        Process otherLauncher = new ProcessBuilder(python(), "-c", "import time; time.sleep(120)  # java").start();
        try {
            // A just-started process may not have exec'd yet (its command line is still the JVM's fork): wait,
            // bounded, and say so if it never does (a fresh clone's CI once found the launcher not running after
            // 5 s here, on a loaded machine, and then stopped the postmaster the test meant to protect).
            awaitRunning(otherLauncher, "java");
            awaitRunning(postmaster, "postgres");
            write("launcher.pid", otherLauncher.pid());
            write("pg/postmaster.pid", postmaster.pid());
            assertThrows(IllegalStateException.class, () -> StalePostgres.stopIfOrphaned(data, data.resolve("pg")));
            assertTrue(postmaster.isAlive());
        } finally {
            postmaster.destroyForcibly();
            otherLauncher.destroyForcibly();
        }
    }

    @Test
    void aPidFileOfAProcessThatIsNotPostgresIsIgnored() throws Exception {
        Process unrelated = new ProcessBuilder("sleep", "120").start(); // the pid was reused after a reboot
        try {
            write("pg/postmaster.pid", unrelated.pid());
            StalePostgres.stopIfOrphaned(data, data.resolve("pg"));
            assertTrue(unrelated.isAlive());
            assertFalse(StalePostgres.running(unrelated.pid(), "postgres"));
        } finally {
            unrelated.destroyForcibly();
        }
    }
}
