package io.zkclob.matching;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the matcher's periodic snapshots on a thread of its own: the matcher serializes its state (a few ms), hands
 * the bytes over and goes on matching while PostgreSQL takes them. Saved on the matcher's thread, a snapshot of
 * 0.1-0.8 MB took 0.02-1.35 s at 10,000 orders/s (PostgreSQL shares two cores at a lower priority), and every command
 * behind it waited: the longest stalls of the matcher, and the trade latency's tail (docs/benchmarks.md, session 17).
 *
 * <p>At most one save runs and none waits behind it: an offer while one is running is refused, and the matcher
 * offers again on its next batch. A snapshot is only ever taken after its commands' events are committed, so
 * saving it late (or not at all, if the process dies first) changes nothing but how much a restart replays. A
 * failed save is logged and counted; the next offer tries again.
 */
final class SnapshotWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotWriter.class);
    private final SnapshotStore store;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "matcher-snapshots");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean busy = new AtomicBoolean();
    private final Timer saveTimer;
    private final Counter failures;

    SnapshotWriter(SnapshotStore store, MeterRegistry meters) {
        this.store = store;
        this.saveTimer = Timer.builder("matcher.snapshot.save").description("time to store one snapshot in PostgreSQL")
                .register(meters);
        this.failures = meters.counter("matcher.snapshot.failures");
    }

    /** Whether a save is running (an offer now would be refused). */
    boolean busy() {
        return busy.get();
    }

    /** Starts saving this snapshot unless one is still being saved (then false: offer it again later). */
    boolean offer(long lastSeq, long height, String stateRoot, byte[] state) {
        if (!busy.compareAndSet(false, true)) return false;
        try {
            thread.execute(() -> {
                long t0 = System.nanoTime();
                try {
                    store.save(lastSeq, height, stateRoot, state);
                    saveTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                } catch (RuntimeException e) {
                    failures.increment();
                    log.warn("snapshot at seq {} not saved (the next one will be): {}", lastSeq, e.toString());
                } finally {
                    busy.set(false);
                }
            });
            return true;
        } catch (RuntimeException e) { // rejected: closed
            busy.set(false);
            return false;
        }
    }

    /** Waits up to {@code timeoutMs} for a save in progress; true when none is running. */
    boolean awaitIdle(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (busy.get()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    /** Saves on the caller's thread, after any save in progress: the clean stop's last snapshot. */
    void saveNow(long lastSeq, long height, String stateRoot, byte[] state) throws InterruptedException {
        if (!awaitIdle(30_000)) log.warn("a snapshot save still runs after 30 s; saving the final one beside it");
        store.save(lastSeq, height, stateRoot, state);
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
