package io.zkclob.gateway.ws;

import java.io.IOException;

/**
 * What the order-entry protocol ({@link OrderEntryProtocol}, {@link WsConnection}) needs of a WebSocket
 * transport, so that the protocol is written once and served by two: Tomcat's JSR 356 container on the HTTP
 * port ({@link OrderEntryEndpoint}) and an event loop of our own on {@code gateway.ws.port}
 * ({@link NettyOrderEntryServer}).
 *
 * <p>The write methods ({@link #text}, {@link #ping}, {@link #flush}, {@link #close}) are called only by the
 * connection's writer, one at a time, on what {@link #execute} runs it on.
 */
interface WsTransport {
    /**
     * Runs the connection's writer where this transport writes: a virtual thread (Tomcat's writes block) or the
     * channel's event loop (Netty's never do). Called once per burst of messages, not per message.
     */
    void execute(Runnable writer);

    /**
     * Whether the writer may write more now. A transport with a bounded buffer of its own says false above its high
     * water mark and calls {@link WsConnection#writable()} when it drains; the protocol's send queue then holds
     * the messages, up to its bound (past it, SLOW_READER).
     */
    boolean writable();

    /** Writes one text frame (not necessarily to the socket yet: {@link #flush}). */
    void text(String text) throws IOException;

    /**
     * Writes one text frame whose UTF-8 bytes are given (the execution reports, assembled around the event's bytes as
     * the log carried them). A transport that writes bytes anyway takes them as they are; this default decodes them.
     */
    default void textUtf8(byte[] utf8) throws IOException {
        text(new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
    }

    void ping() throws IOException;

    /** Sends what {@link #text} and {@link #ping} wrote: one socket write for a burst. */
    void flush() throws IOException;

    /** Sends a close frame after what was written, then closes. */
    void close(WsClose reason) throws IOException;

    boolean isOpen();

    /**
     * Whether the thread that delivers this connection's messages may block (Tomcat's worker threads may; an
     * event loop serves every connection on it and must not). When it may not, the protocol runs blocking work
     * (a logon's key lookup) elsewhere, with {@link #pauseReading}, and comes back with {@link #onReader}.
     */
    boolean readerMayBlock();

    /** Stops reading the connection's messages (the socket's own flow control holds the client back). */
    default void pauseReading() {}

    default void resumeReading() {}

    /** Runs a task on the thread that delivers this connection's messages (after the one it is delivering). */
    default void onReader(Runnable task) {
        task.run();
    }

    /** For logs. */
    String id();
}
