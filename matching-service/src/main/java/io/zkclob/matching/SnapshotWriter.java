package io.zkclob.matching;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the matcher's periodic snapshots on a thread of its own: the matcher serializes its state (a few ms), hands
 * the bytes over and goes on matching while PostgreSQL takes them. Saved on the matcher's thread, a snapshot of
 * 0.1-0.8 MB took 0.02-1.35 s at 10,000 orders/s (PostgreSQL shares two cores at a lower priority), and every command
 * behind it waited: the longest stalls of the matcher, and the trade latency's tail (docs/benchmarks.md, session 17).
 *
 * <p>At most one save runs and none is queued behind it: an offer while one is running is refused, and the matcher
 * offers again on a later batch. A snapshot is only ever taken after its commands' events are committed, so saving
 * it late (or not at all, if the process dies first) changes nothing but how much a restart replays. A failed save
 * is logged and counted ({@code matcher.snapshot.failures}); the next offer tries again. A save still running after
 * {@link #SLOW_SAVE_WARN_MS} is logged once (the matcher takes no new snapshot meanwhile), and the seq of the newest
 * stored snapshot is the gauge {@code matcher.snapshot.seq}.
 */
final class SnapshotWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotWriter.class);
    /** A save running this long holds back every later snapshot: said once, in the log. */
    static final long SLOW_SAVE_WARN_MS = 60_000;
    /**
     * How long the clean stop's final save waits for one in progress: well within the 10 s MatchingApp gives the
     * matcher's thread to end, so that the final save still finds its database open.
     */
    static final long FINAL_SAVE_WAIT_MS = 5_000;
    private static final long IDLE = -1;

    private final SnapshotStore store;
    /** One thread, and a queue of one: the offer's check keeps it to the one running save anyway. */
    private final ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1), r -> {
        Thread t = new Thread(r, "matcher-snapshots");
        t.setDaemon(true);
        return t;
    });
    /** When the running save started (System.nanoTime), or IDLE. */
    private final AtomicLong startedNanos = new AtomicLong(IDLE);
    private final AtomicLong savedSeq = new AtomicLong(-1);
    private final Timer saveTimer;
    private final Counter failures;
    private volatile boolean slowSaid;

    SnapshotWriter(SnapshotStore store, MeterRegistry meters) {
        this.store = store;
        this.saveTimer = Timer.builder("matcher.snapshot.save").description("time to store one snapshot in PostgreSQL")
                .register(meters);
        this.failures = meters.counter("matcher.snapshot.failures");
        meters.gauge("matcher.snapshot.seq", savedSeq);
    }

    /** Whether a save is running (an offer now would be refused); a save running too long is logged, once. */
    boolean busy() {
        long started = startedNanos.get();
        if (started == IDLE) return false;
        if (!slowSaid && System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(SLOW_SAVE_WARN_MS)) {
            slowSaid = true;
            log.warn("a snapshot save has been running for over {} s; no snapshot is taken until it ends", SLOW_SAVE_WARN_MS / 1000);
        }
        return true;
    }

    /** Starts saving this snapshot unless one is still being saved (then false: offer it again later). */
    boolean offer(long lastSeq, long height, String stateRoot, byte[] state) {
        if (!startedNanos.compareAndSet(IDLE, System.nanoTime())) return false;
        slowSaid = false;
        try {
            thread.execute(() -> {
                try {
                    store(lastSeq, height, stateRoot, state);
                } catch (RuntimeException e) {
                    failures.increment();
                    log.warn("snapshot at seq {} not saved (the next one will be): {}", lastSeq, e.toString());
                } finally {
                    startedNanos.set(IDLE);
                }
            });
            return true;
        } catch (RejectedExecutionException e) { // closed
            startedNanos.set(IDLE);
            return false;
        }
    }

    /** Waits up to {@code timeoutMs} for a save in progress; true when none is running. */
    boolean awaitIdle(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (startedNanos.get() != IDLE) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    /**
     * Saves on the caller's thread, after the save in progress if there is one (waiting up to
     * {@link #FINAL_SAVE_WAIT_MS}): the clean stop's last snapshot, the newest stored.
     */
    void saveNow(long lastSeq, long height, String stateRoot, byte[] state) throws InterruptedException {
        if (!awaitIdle(FINAL_SAVE_WAIT_MS)) {
            log.warn("a snapshot save still runs after {} ms; saving the final one beside it", FINAL_SAVE_WAIT_MS);
        }
        store(lastSeq, height, stateRoot, state);
    }

    /** Stores one snapshot (on the caller's thread), timed, and moves matcher.snapshot.seq up to it. */
    private void store(long lastSeq, long height, String stateRoot, byte[] state) {
        long t0 = System.nanoTime();
        store.save(lastSeq, height, stateRoot, state);
        saveTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        savedSeq.accumulateAndGet(lastSeq, Math::max);
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
