package io.zkclob.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a crashed run restartable with the same command. The embedded PostgreSQL runs as its own daemon (pg_ctl
 * starts it in a new session), so a kill -9 of the launcher leaves it running and holding its port. At start,
 * a postmaster of this data directory whose launcher is gone is stopped (fast shutdown: it rolls back and
 * checkpoints, so the next start needs no crash recovery); if that launcher still runs, start is refused.
 */
final class StalePostgres {
    private static final Logger log = LoggerFactory.getLogger(StalePostgres.class);
    static final long SHUTDOWN_WAIT_MS = 30_000;

    private StalePostgres() {}

    /** Call before starting PostgreSQL on {@code pgDir}; then {@link #claim} the data directory. */
    static void stopIfOrphaned(Path dataDir, Path pgDir) throws IOException, InterruptedException {
        Optional<Long> launcher = firstLong(dataDir.resolve("launcher.pid"));
        if (launcher.isPresent() && launcher.get() != ProcessHandle.current().pid() && running(launcher.get(), "java")) {
            throw new IllegalStateException("the exchange is already running on " + dataDir + " (launcher pid " + launcher.get() + ")");
        }
        Optional<Long> postmaster = firstLong(pgDir.resolve("postmaster.pid"));
        if (postmaster.isEmpty() || !running(postmaster.get(), "postgres")) return;
        long pid = postmaster.get();
        long t0 = System.nanoTime();
        log.warn("PostgreSQL pid {} on {} outlived its launcher (killed?): stopping it", pid, pgDir);
        signal("INT", pid); // fast shutdown
        long deadline = System.nanoTime() + SHUTDOWN_WAIT_MS * 1_000_000;
        while (running(pid, "postgres") && System.nanoTime() < deadline) Thread.sleep(50);
        if (running(pid, "postgres")) {
            log.warn("PostgreSQL pid {} ignored a fast shutdown for {} ms: killing it", pid, SHUTDOWN_WAIT_MS);
            signal("QUIT", pid); // immediate shutdown: the next start runs crash recovery from the WAL
            deadline = System.nanoTime() + SHUTDOWN_WAIT_MS * 1_000_000;
            while (running(pid, "postgres") && System.nanoTime() < deadline) Thread.sleep(50);
            if (running(pid, "postgres")) throw new IllegalStateException("cannot stop the stale PostgreSQL pid " + pid);
        }
        log.info("stale PostgreSQL stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    /** Records this launcher as the owner of the data directory (read by the next start after a crash). */
    static void claim(Path dataDir) throws IOException {
        Files.writeString(dataDir.resolve("launcher.pid"), ProcessHandle.current().pid() + "\n");
    }

    static void release(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve("launcher.pid"));
        } catch (IOException e) {
            log.warn("cannot remove {}", dataDir.resolve("launcher.pid"), e);
        }
    }

    private static Optional<Long> firstLong(Path file) throws IOException {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (NoSuchFileException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Alive (a zombie is not: an orphan's reaper may be slow) and its command line mentions {@code name}. */
    static boolean running(long pid, String name) throws IOException {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            if (stat.charAt(stat.lastIndexOf(')') + 2) == 'Z') return false;
            return Files.readString(Path.of("/proc/" + pid + "/cmdline")).contains(name);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            // ESRCH ("No such process"): it ended between the two reads, or while its command line was read.
            if (String.valueOf(e.getMessage()).contains("No such process")) return false;
            throw e;
        }
    }

    private static void signal(String sig, long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start().waitFor();
    }
}
