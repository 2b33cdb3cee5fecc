package io.zkclob.gateway.ws;

import io.zkclob.gateway.RateLimits;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection, whatever its transport ({@link WsTransport}): the account it is logged on as (at most
 * one), what its messages are charged to, and its outgoing messages.
 *
 * <p>Every outgoing message (responses, execution reports, pings) goes through one bounded queue, written by one
 * writer at a time, on what the transport runs it on: a reader that falls behind costs at most
 * {@link #maxQueuedChars} of memory. When a message would pass that bound the connection is closed with
 * code 1008 and reason {@code SLOW_READER}: the close frame is written after what the socket already took, and
 * the messages still queued are dropped. Writes are batched and flushed when the queue is empty (or the
 * transport's own buffer is full), so a burst of responses costs one socket write, not one per message; and a
 * burst queued from another thread (the log's I/O thread completing a batch of orders) starts the writer once.
 */
final class WsConnection {
    private static final Logger log = LoggerFactory.getLogger(WsConnection.class);
    /** The marker of a heartbeat ping in the queue (anything neither a String nor Unwritten). */
    private static final Object PING = new Object();
    /** Messages written per run of the writer before it yields, so a connection under constant load shares its thread. */
    private static final int MAX_MESSAGES_PER_DRAIN = 4_096;
    /**
     * Messages that arrive while a logon is being checked away from a non-blocking reader, kept to be handled in
     * order after it (the transport stops reading meanwhile, so only what one read already decoded lands here).
     */
    static final int MAX_HELD_MESSAGES = 1_024;
    static final long NOT_LOGGED_ON = -1;

    final WsTransport transport;
    final long connectedAtMs;
    /** The address the connection was opened from: every message is charged to it ({@link RateLimits}). */
    final String address;
    /** The refusals it collected, past which it is closed (RATE_LIMITED). */
    final RateLimits.Strikes strikes;
    /** Closed for abuse: what it still sends is not read. */
    volatile boolean abusive;
    private final int maxQueuedChars;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedChars = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicReference<WsClose> closing = new AtomicReference<>();
    private volatile long accountId = NOT_LOGGED_ON;
    private volatile long lastHeardNanos = System.nanoTime();
    /** Reader side only (one thread at a time): messages held while a logon is checked, and whether one is. */
    private final ArrayDeque<String> held = new ArrayDeque<>();
    private boolean holding;

    WsConnection(WsTransport transport, String address, RateLimits.Strikes strikes, int maxQueuedChars, long connectedAtMs) {
        this.transport = transport;
        this.address = address;
        this.strikes = strikes;
        this.maxQueuedChars = maxQueuedChars;
        this.connectedAtMs = connectedAtMs;
    }

    long accountId() {
        return accountId;
    }

    void accountId(long id) {
        accountId = id;
    }

    /** Anything from the client (a message or a pong) shows it is alive. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    boolean closing() {
        return closing.get() != null;
    }

    // --- reader side: messages held while a logon is checked (OrderEntryProtocol) ---

    boolean holding() {
        return holding;
    }

    void startHolding() {
        holding = true;
    }

    void stopHolding() {
        holding = false;
    }

    /** Holds a message for later; false when {@link #MAX_HELD_MESSAGES} are already held. */
    boolean hold(String text) {
        if (held.size() >= MAX_HELD_MESSAGES) return false;
        held.add(text);
        return true;
    }

    /** The next held message, or null. */
    String nextHeld() {
        return held.poll();
    }

    // --- writer side ---

    /** Queues a text message; past the bound, closes the connection as a slow reader instead. */
    void send(String text) {
        enqueue(text, text.length());
    }

    /** Queues a text message given as its UTF-8 bytes (counted by its bytes against the bound). */
    void sendUtf8(byte[] utf8) {
        enqueue(utf8, utf8.length);
    }

    /**
     * Queues a message to be written as JSON by the writer: a response completed on the log producer's I/O
     * thread leaves that thread at once (serializing there would delay every other acknowledgement). Counted as
     * {@link #UNWRITTEN_CHARS} against the bound until written.
     */
    void sendJson(Object message) {
        enqueue(new Unwritten(message), UNWRITTEN_CHARS);
    }

    /** What a response to an order takes as JSON, about (its id, status and the REST body). */
    static final int UNWRITTEN_CHARS = 160;

    private void enqueue(Object message, int chars) {
        if (closing.get() != null) return;
        if (queuedChars.addAndGet(chars) > maxQueuedChars) {
            queuedChars.addAndGet(-chars);
            close(new WsClose(WsClose.POLICY_VIOLATION, "SLOW_READER: more than " + maxQueuedChars + " characters waiting to be sent"));
            return;
        }
        queue.add(message);
        drainSoon();
    }

    private record Unwritten(Object message) {}

    /** A close queued behind the messages before it (a refusal's error frame goes out before the close). */
    private record CloseAfter(WsClose reason) {}

    /** Closes once every message queued so far has been written; what is queued after this is dropped. */
    void closeAfterQueued(WsClose reason) {
        if (closing.get() != null) return;
        queue.add(new CloseAfter(reason));
        drainSoon();
    }

    void ping() {
        if (closing.get() != null) return;
        queue.add(PING);
        drainSoon();
    }

    /** Closes after what is being written; what is still queued is dropped. The first reason wins. */
    void close(WsClose reason) {
        if (closing.compareAndSet(null, reason)) drainSoon();
    }

    /** The transport's buffer drained below its low water mark: write what waits. */
    void writable() {
        if (!queue.isEmpty() || closing.get() != null) drainSoon();
    }

    private void drainSoon() {
        if (draining.compareAndSet(false, true)) transport.execute(this::drain);
    }

    private void drain() {
        try {
            int written = 0;
            Object m;
            while (closing.get() == null && written < MAX_MESSAGES_PER_DRAIN && transport.writable() && (m = queue.poll()) != null) {
                if (m instanceof String text) {
                    queuedChars.addAndGet(-text.length());
                    transport.text(text);
                } else if (m instanceof byte[] utf8) {
                    queuedChars.addAndGet(-utf8.length);
                    transport.textUtf8(utf8);
                } else if (m instanceof Unwritten u) {
                    queuedChars.addAndGet(-UNWRITTEN_CHARS);
                    transport.text(WsMessages.json(u.message()));
                } else if (m instanceof CloseAfter after) {
                    closing.compareAndSet(null, after.reason()); // ends the loop; the close follows the flush below
                    continue;
                } else {
                    transport.ping();
                }
                written++;
            }
            transport.flush();
            WsClose reason = closing.get();
            if (reason != null) {
                queue.clear();
                queuedChars.set(0);
                if (transport.isOpen()) transport.close(reason);
                return;
            }
        } catch (IOException | RuntimeException e) {
            // The peer is gone or stalled past the transport's send timeout: the transport aborts the connection.
            log.debug("websocket {} write failed: {}", transport.id(), e.toString());
            closing.compareAndSet(null, new WsClose(WsClose.ABNORMAL, "write failed"));
            queue.clear();
            queuedChars.set(0);
            return;
        } finally {
            draining.set(false);
        }
        // A message queued after the loop ended but before draining was cleared found a writer running: take it now.
        // Not while the transport's buffer is full: it calls writable() when it drains.
        if ((!queue.isEmpty() && transport.writable()) || closing.get() != null) drainSoon();
    }
}
