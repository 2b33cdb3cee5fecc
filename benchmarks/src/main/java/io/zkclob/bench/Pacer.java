package io.zkclob.bench;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The load threads' clock ({@link WsLoad}, {@link HttpLoad}): on the load's one thread, each item of the current plan
 * goes to its sender at the item's intended time, and the thread sleeps until the next one is due or a socket is ready.
 */
final class Pacer<P extends Pacer.Paced> {
    /** The shortest sleep between sends: items due within it go out together, up to this late. */
    static final long WAKE_NANOS = 500_000;
    /** How long the thread waits for its sockets when no plan is being sent. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** A plan: item i at {@code intendedNanos[i]} (ascending); {@code sent} opens once the last one is sent. */
    interface Paced {
        long[] intendedNanos();

        CountDownLatch sent();
    }

    interface Sender<P> {
        void send(P plan, int index) throws IOException;
    }

    private volatile P plan;
    /** On the load's thread: the plan being sent and its next item. */
    private P current;
    private int next;

    /** From the caller's thread: sends the plan (waking {@code selector}'s thread); returns once its last item is sent. */
    void send(P p, Selector selector) throws InterruptedException {
        plan = p;
        selector.wakeup();
        p.sent().await();
    }

    /** On the load's thread: every item now due to {@code sender}; returns the nanoseconds until the next one. */
    long sendDue(Sender<P> sender) throws IOException {
        P p = plan;
        if (p != current) {
            current = p;
            next = 0;
        }
        if (p == null) return IDLE_NANOS;
        long now = System.nanoTime();
        long[] at = p.intendedNanos();
        while (next < at.length && at[next] <= now) sender.send(p, next++);
        if (next < at.length) return at[next] - now;
        plan = null;
        current = null;
        p.sent().countDown();
        return IDLE_NANOS;
    }

    /**
     * Waits {@code waitNanos} or until a socket of {@code selector} is ready, whichever first. One wake per WAKE_NANOS
     * at most: an item due sooner waits for the next (it is sent at most that late, and its latency counts it); a park
     * per order cost 14 µs of CPU per order at 4,000/s. The selector waits in whole milliseconds: a shorter wait
     * parks, then only polls the sockets.
     */
    static void awaitDue(Selector selector, long waitNanos) throws IOException {
        long wait = Math.max(waitNanos, WAKE_NANOS);
        if (wait >= 1_000_000) selector.select(wait / 1_000_000);
        else {
            LockSupport.parkNanos(wait);
            selector.selectNow();
        }
    }
}
