package io.zkclob.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The matcher's snapshots are stored off its thread, one at a time, and the clean stop's last one after them. */
class SnapshotWriterTest {
    /**
     * A store whose saves on the writer's thread wait for the test to let them through (or fail), recording what was
     * saved in order and how many saves ever ran at once.
     */
    static final class GatedStore extends SnapshotStore {
        final List<Long> saved = new CopyOnWriteArrayList<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile boolean fail;

        GatedStore() {
            super(null);
        }

        @Override
        void save(long lastSeq, long height, String stateRoot, byte[] state) {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                if (Thread.currentThread().getName().equals("matcher-snapshots")) gate.await(10, TimeUnit.SECONDS);
                if (fail) throw new IllegalStateException("database down");
                saved.add(lastSeq);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    @Test
    void aSlowSaveDoesNotHoldTheCallerAndRefusesASecondUntilItEnds() throws Exception {
        GatedStore store = new GatedStore();
        store.gate = new CountDownLatch(1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (SnapshotWriter w = new SnapshotWriter(store, meters)) {
            assertTrue(w.offer(10, 1, "root", new byte[8])); // returns while the save is held
            assertTrue(w.busy());
            assertFalse(w.offer(20, 2, "root", new byte[8]), "one save at a time, none queued behind it");
            store.gate.countDown();
            assertTrue(w.awaitIdle(5_000));
            assertEquals(List.of(10L), store.saved);
            assertTrue(w.offer(30, 3, "root", new byte[8]));
            assertTrue(w.awaitIdle(5_000));
            assertEquals(List.of(10L, 30L), store.saved);
            assertEquals(2, meters.timer("matcher.snapshot.save").count());
            assertEquals(30.0, meters.get("matcher.snapshot.seq").gauge().value());
        }
    }

    @Test
    void aFailedSaveIsCountedAndTheNextOfferTriesAgain() throws Exception {
        GatedStore store = new GatedStore();
        store.fail = true;
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (SnapshotWriter w = new SnapshotWriter(store, meters)) {
            assertTrue(w.offer(10, 1, "root", new byte[8]));
            assertTrue(w.awaitIdle(5_000));
            assertEquals(1.0, meters.counter("matcher.snapshot.failures").count());
            store.fail = false;
            assertTrue(w.offer(11, 1, "root", new byte[8]));
            assertTrue(w.awaitIdle(5_000));
            assertEquals(List.of(11L), store.saved);
        }
    }

    @Test
    void theFinalSaveWaitsForTheOneInProgress() throws Exception {
        GatedStore store = new GatedStore();
        store.gate = new CountDownLatch(1);
        try (SnapshotWriter w = new SnapshotWriter(store, new SimpleMeterRegistry())) {
            assertTrue(w.offer(10, 1, "root", new byte[8]));
            Thread releaser = new Thread(() -> {
                try {
                    Thread.sleep(200); // long enough for saveNow to be waiting
                } catch (InterruptedException ignored) {
                    // released early: the assertions still hold, they just test less
                }
                store.gate.countDown();
            });
            releaser.start();
            w.saveNow(20, 2, "root", new byte[8]);
            assertEquals(List.of(10L, 20L), store.saved, "the stop's snapshot is the newest one stored");
            assertEquals(1, store.mostAtOnce.get(), "the final save waited for the running one");
            releaser.join();
        }
    }
}
