package io.zkclob.gateway.ws;

import io.zkclob.gateway.RateLimits;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/ws} on the HTTP port, served by Tomcat's JSR 356 container: a thin transport for
 * {@link OrderEntryProtocol}, kept for clients that know the gateway by one port. The container delivers a
 * connection's messages on its worker threads, one at a time; writes block, so each connection's writer runs on a
 * virtual thread. The gateway's own event loop ({@link NettyOrderEntryServer}, {@code gateway.ws.port}) serves
 * the same protocol without the hand-offs between thread pools (docs/benchmarks.md, session 10).
 */
final class OrderEntryEndpoint extends Endpoint {
    private static final Logger log = LoggerFactory.getLogger(OrderEntryEndpoint.class);
    /** Writers block on virtual threads: a stalled socket parks one, never a platform thread. */
    private static final Executor WRITERS = Executors.newVirtualThreadPerTaskExecutor();
    private final OrderEntryProtocol protocol;

    OrderEntryEndpoint(OrderEntryProtocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        TomcatTransport transport = new TomcatTransport(session);
        WsConnection c = protocol.open(transport, (String) session.getUserProperties().get(RateLimits.WS_ADDRESS_PROPERTY));
        if (c == null) {
            try {
                transport.close(OrderEntryProtocol.TOO_MANY_CONNECTIONS);
            } catch (IOException e) {
                log.debug("websocket {} close: {}", session.getId(), e.toString());
            }
            return;
        }
        session.getUserProperties().put(WsConnection.class.getName(), c);
        session.setMaxTextMessageBufferSize(OrderEntryProtocol.MAX_MESSAGE_CHARS);
        session.setMaxBinaryMessageBufferSize(OrderEntryProtocol.MAX_MESSAGE_CHARS);
        // Heartbeats decide liveness (WsSessions); the container's idle timeout stays off.
        session.setMaxIdleTimeout(0);
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> protocol.onText(c, text));
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> protocol.heard(c));
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        if (session.getUserProperties().get(WsConnection.class.getName()) instanceof WsConnection c) protocol.closed(c);
    }

    @Override
    public void onError(Session session, Throwable error) {
        log.debug("websocket {}: {}", session.getId(), error.toString());
    }

    /** Tomcat's session as a {@link WsTransport}: blocking writes, batched in the container's output buffer. */
    static final class TomcatTransport implements WsTransport {
        private final Session session;
        private boolean batching;

        TomcatTransport(Session session) {
            this.session = session;
        }

        @Override
        public void execute(Runnable writer) {
            WRITERS.execute(writer);
        }

        @Override
        public boolean writable() {
            return true; // a write blocks instead (up to the container's send timeout, WebSocketConfig)
        }

        private RemoteEndpoint.Basic remote() throws IOException {
            RemoteEndpoint.Basic remote = session.getBasicRemote();
            if (!batching) {
                if (!remote.getBatchingAllowed()) remote.setBatchingAllowed(true);
                batching = true;
            }
            return remote;
        }

        @Override
        public void text(String text) throws IOException {
            remote().sendText(text);
        }

        @Override
        public void ping() throws IOException {
            remote().sendPing(ByteBuffer.allocate(0));
        }

        @Override
        public void flush() throws IOException {
            remote().flushBatch();
        }

        @Override
        public void close(WsClose reason) throws IOException {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(reason.code()), reason.reason()));
        }

        @Override
        public boolean isOpen() {
            return session.isOpen();
        }

        @Override
        public boolean readerMayBlock() {
            return true;
        }

        @Override
        public String id() {
            return "tomcat-" + session.getId();
        }
    }
}
