package io.zkclob.launcher;

import io.zkclob.support.BackgroundPriority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL's processes at the background priority of the read models they serve
 * ({@link BackgroundPriority}), so that on one machine they yield the cores to the order path.
 *
 * <p>A nice value alone would do nothing here: PostgreSQL makes every backend a session leader ({@code setsid}), and
 * Linux's autogroup scheduler (on by default in desktop and most server kernels) gives each session a scheduling group
 * of its own with the weight of a whole process. Each of its processes (40 in the benchmark's fleet) thus weighed as
 * much as the fleet's whole JVM (gateway, broker, matcher and all), and when the read models' writes woke several of
 * them the order path's threads waited in the run queue for tens of ms: 100 ms windows with acknowledgements over 25 ms
 * had PostgreSQL at 49 ms of CPU per 100 ms against 32 in the others (docs/benchmarks.md, session 11). What counts is
 * the group's nice value ({@code /proc/<pid>/autogroup}), which the owner may raise: it is set on the postmaster and on
 * every backend, checked again every {@value #INTERVAL_S} s for backends that started since (connection pools open new
 * ones now and then). Where autogroup is off the write fails or does nothing, and the processes' own nice value (set
 * too) is what counts. Lowering only: an idle core still runs a backend at once.
 */
final class PostgresPriority implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresPriority.class);
    static final int INTERVAL_S = 5;
    private final Path pgDir;
    private final int nice;
    private final ScheduledExecutorService timer;
    private boolean warned;

    PostgresPriority(Path pgDir, int nice) {
        this.pgDir = pgDir;
        this.nice = nice;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "postgres-priority");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts lowering the priority of the PostgreSQL running on {@code pgDir}; null where it is turned off (nice 0). */
    static PostgresPriority start(Path pgDir) {
        int nice = BackgroundPriority.nice();
        if (nice == 0 || !Files.isDirectory(Path.of("/proc/self"))) return null;
        PostgresPriority p = new PostgresPriority(pgDir, nice);
        p.timer.scheduleWithFixedDelay(p::lower, 0, INTERVAL_S, TimeUnit.SECONDS);
        return p;
    }

    /** The postmaster and its children: their groups' and their own nice values, where not already set. */
    void lower() {
        try {
            Optional<Long> postmaster = postmaster();
            if (postmaster.isEmpty()) return;
            ProcessHandle.of(postmaster.get()).ifPresent(pm -> {
                lower(pm.pid());
                pm.children().forEach(child -> lower(child.pid()));
            });
        } catch (RuntimeException e) {
            warnOnce(e.toString());
        }
    }

    private Optional<Long> postmaster() {
        try {
            String first = Files.readAllLines(pgDir.resolve("postmaster.pid")).getFirst().trim();
            return Optional.of(Long.parseLong(first));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not started yet, or stopping
        }
    }

    private void lower(long pid) {
        Path group = Path.of("/proc/" + pid + "/autogroup");
        try {
            // "/autogroup-4584 nice 0"
            String now = Files.readString(group).trim();
            if (!now.endsWith(" nice " + nice)) Files.writeString(group, String.valueOf(nice));
        } catch (IOException e) {
            // No autogroup in this kernel (CONFIG_SCHED_AUTOGROUP off), or the process is gone: the nice value counts.
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            if (Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]) == nice) return;
            BackgroundPriority.renice(pid, nice); // its exit value is not read: a failure is a backend gone meanwhile
        } catch (IOException | RuntimeException e) {
            warnOnce(e.toString()); // gone meanwhile, or no renice
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void warnOnce(String why) {
        if (warned) return;
        warned = true;
        log.info("the embedded PostgreSQL keeps its priority: {}", why);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
