package io.zkclob.gateway.ws;

import io.zkclob.contracts.json.MessageJson;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection: the account it is logged on as (at most one) and its outgoing messages.
 *
 * <p>Every outgoing message (responses, execution reports, pings) goes through one bounded queue, written by one
 * drain task at a time: the container allows one writer per connection, and a reader that falls behind costs at
 * most {@link #maxQueuedChars} of memory. When a message would pass that bound the connection is closed with
 * code 1008 and reason {@code SLOW_READER}: the close frame is written after what the socket already took, and
 * the messages still queued are dropped. Writes are batched (the container's output buffer) and flushed when
 * the queue is empty, so a burst of responses costs one socket write, not one per message.
 */
final class WsConnection {
    private static final Logger log = LoggerFactory.getLogger(WsConnection.class);
    /** Writers block on virtual threads: a stalled socket parks one, never a platform thread. */
    private static final Executor DRAIN = Executors.newVirtualThreadPerTaskExecutor();
    /** The marker of a heartbeat ping in the queue (anything neither a String nor Unwritten). */
    private static final Object PING = new Object();
    /** Messages written per drain before it yields, so a connection under constant load shares the carrier threads. */
    private static final int MAX_MESSAGES_PER_DRAIN = 4_096;
    static final long NOT_LOGGED_ON = -1;

    final Session session;
    final long connectedAtMs;
    private final int maxQueuedChars;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedChars = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicReference<CloseReason> closing = new AtomicReference<>();
    private volatile long accountId = NOT_LOGGED_ON;
    private volatile long lastHeardNanos = System.nanoTime();

    WsConnection(Session session, int maxQueuedChars, long connectedAtMs) {
        this.session = session;
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

    /** Queues a text message; past the bound, closes the connection as a slow reader instead. */
    void send(String text) {
        enqueue(text, text.length());
    }

    /**
     * Queues a message to be written as JSON by the drain task: a response completed on the log producer's I/O
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
            close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY,
                    "SLOW_READER: more than " + maxQueuedChars + " characters waiting to be sent"));
            return;
        }
        queue.add(message);
        drainSoon();
    }

    private record Unwritten(Object message) {}

    /** A close queued behind the messages before it (a refusal's error frame goes out before the close). */
    private record CloseAfter(CloseReason reason) {}

    /** Closes once every message queued so far has been written; what is queued after this is dropped. */
    void closeAfterQueued(CloseReason reason) {
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
    void close(CloseReason reason) {
        if (closing.compareAndSet(null, reason)) drainSoon();
    }

    private void drainSoon() {
        if (draining.compareAndSet(false, true)) DRAIN.execute(this::drain);
    }

    private void drain() {
        try {
            RemoteEndpoint.Basic remote = session.getBasicRemote();
            if (!remote.getBatchingAllowed()) remote.setBatchingAllowed(true);
            int written = 0;
            Object m;
            while (closing.get() == null && written < MAX_MESSAGES_PER_DRAIN && (m = queue.poll()) != null) {
                if (m instanceof String text) {
                    queuedChars.addAndGet(-text.length());
                    remote.sendText(text);
                } else if (m instanceof Unwritten u) {
                    queuedChars.addAndGet(-UNWRITTEN_CHARS);
                    remote.sendText(MessageJson.write(u.message()));
                } else if (m instanceof CloseAfter after) {
                    closing.compareAndSet(null, after.reason()); // ends the loop; the close follows the flush below
                    continue;
                } else {
                    remote.sendPing(ByteBuffer.allocate(0));
                }
                written++;
            }
            remote.flushBatch();
            CloseReason reason = closing.get();
            if (reason != null) {
                queue.clear();
                queuedChars.set(0);
                if (session.isOpen()) session.close(reason);
                return;
            }
        } catch (IOException | IllegalStateException e) {
            // The peer is gone or stalled past the container's send timeout: the container aborts the connection.
            log.debug("websocket {} write failed: {}", session.getId(), e.toString());
            closing.compareAndSet(null, new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "write failed"));
            queue.clear();
            queuedChars.set(0);
            return;
        } finally {
            draining.set(false);
        }
        // A message queued after the loop ended but before draining was cleared found a drain running: take it now.
        if (!queue.isEmpty() || closing.get() != null) drainSoon();
    }
}
