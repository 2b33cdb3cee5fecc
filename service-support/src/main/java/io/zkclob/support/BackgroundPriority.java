package io.zkclob.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lower CPU priority (a Linux nice value) for the threads of background work: the read models that follow the logs
 * (ledger, orders, blocks, the prover's ranges and headers), whose lag nobody waits on, yield the cores to the order
 * path (the gateway's event loop and log producer, the broker, the matcher) when both want them, and catch up when the
 * load drops. All services share two cores in the launcher's fleet: in the 100 ms windows where acknowledgements took
 * over 25 ms at 4,000 orders/s the read models and PostgreSQL ran more than in the others, and the order path's threads
 * waited in the run queue (docs/benchmarks.md, session 11; the launcher lowers its embedded PostgreSQL the same way). A
 * nice value only ever lowers a thread's share while the cores are contended; an idle core still runs it at once: the
 * read models lag more under load and catch up when it drops.
 *
 * <p>{@code -Dzkclob.background-nice=N} (0..19; 0 turns it off), {@value #DEFAULT_NICE} by default. Linux only (the
 * thread's id from {@code /proc/thread-self}, set by {@code renice}, which any user may do to lower a priority);
 * elsewhere, or where that fails, the thread keeps its priority and one line is logged.
 */
public final class BackgroundPriority {
    public static final String PROPERTY = "zkclob.background-nice";
    static final int DEFAULT_NICE = 10;
    private static final Logger log = LoggerFactory.getLogger(BackgroundPriority.class);
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");
    private static final Path RENICE = Path.of("/usr/bin/renice");
    private static volatile boolean warned;

    private BackgroundPriority() {}

    /** The configured nice value, clamped to 0..19 (0: background work keeps the default priority). */
    public static int nice() {
        return Math.clamp(Integer.getInteger(PROPERTY, DEFAULT_NICE), 0, 19);
    }

    /** Lowers the calling thread's priority (a platform thread: a virtual thread's carrier is shared, so not those). */
    public static void lowerCurrentThread() {
        int nice = nice();
        if (nice == 0 || Thread.currentThread().isVirtual()) return;
        try {
            if (!Files.isExecutable(RENICE) || !Files.exists(THREAD_SELF)) {
                warnOnce("no " + RENICE + " or " + THREAD_SELF);
                return;
            }
            long tid = Long.parseLong(Files.readSymbolicLink(THREAD_SELF).getFileName().toString()); // "<pid>/task/<tid>"
            int rc = renice(tid, nice);
            if (rc < 0) warnOnce("renice did not finish within 5 s");
            else if (rc != 0) warnOnce("renice exited " + rc);
        } catch (java.io.IOException | UnsupportedOperationException | NumberFormatException e) {
            warnOnce(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sets the nice value of a process or thread (its id) with {@code renice}: its exit value, or -1 where it did not
     * finish within 5 s (then it is killed).
     */
    public static int renice(long id, int nice) throws java.io.IOException, InterruptedException {
        Process p = new ProcessBuilder(RENICE.toString(), "-n", String.valueOf(nice), "-p", String.valueOf(id))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor(5, TimeUnit.SECONDS)) return p.exitValue();
        p.destroyForcibly();
        return -1;
    }

    /** Platform threads named {@code prefix-N} that lower their own priority before they run anything. */
    public static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return task -> new Thread(() -> {
            lowerCurrentThread();
            task.run();
        }, prefix + "-" + n.incrementAndGet());
    }

    private static void warnOnce(String why) {
        if (warned) return;
        warned = true;
        log.info("background threads keep their priority ({}={} not applied: {})", PROPERTY, nice(), why);
    }
}
