package io.zkclob.gateway.ws;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import io.zkclob.gateway.RateLimits;
import io.zkclob.gateway.RestOrderEntry;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * {@code /api/v1/ws} on a port of its own ({@code gateway.ws.port}), served by an event loop of ours (Netty): one
 * thread reads a connection's frames, parses and checks each request, appends it to the log, and writes the
 * responses, with no hand-off to another pool on the way (as Binance serves its WebSocket API on a host of its
 * own). The protocol is {@link OrderEntryProtocol}'s, the same as on the HTTP port.
 *
 * <p>Writes are made on the channel's event loop by the connection's writer ({@link WsConnection}), started once
 * per burst: responses completed together on the log producer's I/O thread (one batch of appends) cost one task
 * on the loop and one flush, not one wakeup and one system call per message. The channel's write buffer has high
 * and low water marks: above the high one the writer stops and the messages wait in the connection's bounded
 * queue (past its bound: SLOW_READER), and the loop resumes it below the low one.
 *
 * <p>The native epoll transport when this is Linux with Netty's native library, else Java NIO. Threads:
 * {@code gateway.ws.event-loop-threads} (1: on two cores, one loop that never parks between frames is cheaper
 * than several that hand connections around). Port -1 turns it off; 0 takes a free port ({@link #port()}).
 */
final class NettyOrderEntryServer implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(NettyOrderEntryServer.class);
    /**
     * REST requests in flight on one connection (a client that pipelines): past it the connection is not read until
     * half of them are answered. Answers leave in the order of their requests, as HTTP/1.1 requires.
     */
    static final int MAX_REST_IN_FLIGHT = 64;
    /** A REST connection with nothing in flight is closed after this long without a request (Tomcat's keep-alive). */
    static final long REST_IDLE_MS = 60_000;
    /** A connection that has not completed its handshake by then is closed (Tomcat's connection timeout is 20 s). */
    static final long HANDSHAKE_TIMEOUT_MS = 10_000;
    /**
     * How long a connection we close waits for the client's close frame, reading and dropping what it still sends
     * (a client in the middle of a burst meets no reset): as long as Tomcat's wait. Its send queue is freed at once.
     */
    static final long CLOSE_WAIT_MS = 30_000;
    /**
     * Bytes written but not yet taken by the socket, per connection: above the high mark the writer waits (the
     * send queue holds the rest), below the low one it resumes. A burst of a few hundred responses fits.
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final OrderEntryProtocol protocol;
    private final String address;
    private final int configuredPort;
    private final int threads;
    /** Channels open, handshakes included: bounded at twice the sessions' maximum (a handshake times out). */
    private final int maxChannels;
    private final AtomicInteger channels = new AtomicInteger();
    private final RateLimits limits;
    private final RestOrderEntry rest;
    private volatile EventLoopGroup group;
    private volatile Channel server;
    private volatile int port = -1;

    NettyOrderEntryServer(OrderEntryProtocol protocol, RestOrderEntry rest, RateLimits limits, String address, int port,
                          int threads, int maxConnections) {
        if (threads < 1 || threads > 64) throw new IllegalArgumentException("gateway.ws.event-loop-threads " + threads + " is outside 1..64");
        this.protocol = protocol;
        this.limits = limits;
        this.rest = rest;
        this.address = address == null || address.isBlank() ? null : address;
        this.configuredPort = port;
        this.threads = threads;
        this.maxChannels = 2 * maxConnections;
    }

    /** The port it listens on, or -1 when it does not. */
    int port() {
        return port;
    }

    /**
     * Netty's buffer leak detector off unless {@code io.netty.leakDetection.level} is set. At its default level it
     * records the stack of one buffer in 128 at its allocation and at every release: 4.4 % of the event loop's CPU
     * at 6,000 orders/s (docs/benchmarks.md, session 16). Every buffer here is released by Netty's own codecs or
     * where this class consumes a message ({@link Gate#channelRead} on a refused handshake and a REST request,
     * {@link Connection#channelRead}); a test that suspects a leak runs with the property set.
     */
    static void quietLeakDetector() {
        if (System.getProperty("io.netty.leakDetection.level") == null) ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    static boolean nativeTransport() {
        return Epoll.isAvailable();
    }

    @Override
    public synchronized void start() {
        if (configuredPort < 0 || server != null) return;
        quietLeakDetector();
        boolean epoll = nativeTransport();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(threads, new io.netty.util.concurrent.DefaultThreadFactory("ws-loop", true), io);
        ServerBootstrap b = new ServerBootstrap().group(g).channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.incrementAndGet();
                        ch.closeFuture().addListener(f -> channels.decrementAndGet());
                        if (channels.get() > maxChannels) {
                            ch.close();
                            return;
                        }
                        Connection connection = new Connection();
                        Gate gate = new Gate();
                        ch.pipeline().addLast(new HttpServerCodec(), new BodyBound(), gate, new WebSocketServerProtocolHandler(PROTOCOL),
                                new WebSocketFrameAggregator(OrderEntryProtocol.MAX_MESSAGE_CHARS), connection);
                        // One that neither completes a handshake (the protocol handler's timeout starts with a request)
                        // nor sends a REST request: REST connections close when idle (Gate).
                        ch.eventLoop().schedule(() -> {
                            if (connection.connection == null && !gate.restServed) ch.close();
                        }, HANDSHAKE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    }
                });
        try {
            InetSocketAddress at = address == null ? new InetSocketAddress(configuredPort) : new InetSocketAddress(address, configuredPort);
            server = b.bind(at).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            g.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("interrupted while binding gateway.ws.port " + configuredPort, e);
        } catch (RuntimeException e) {
            g.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("cannot listen on gateway.ws.port " + configuredPort, e);
        }
        group = g;
        port = ((InetSocketAddress) server.localAddress()).getPort();
        log.info("order entry over WebSocket on ws://{}:{}{} ({} event loop thread(s), {})", address == null ? "*" : address, port,
                WebSocketConfig.PATH, threads, epoll ? "epoll" : "nio");
    }

    @Override
    public synchronized void stop() {
        Channel s = server;
        EventLoopGroup g = group;
        server = null;
        group = null;
        port = -1;
        if (s != null) s.close().syncUninterruptibly();
        // Connections are closed with the loop; clients reconnect to another gateway.
        if (g != null) g.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    private static final WebSocketServerProtocolConfig PROTOCOL = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(WebSocketConfig.PATH)
                .checkStartsWith(false)
                .handleCloseFrames(true)
                .dropPongFrames(false) // a pong is a sign of life (heartbeats, WsSessions)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MS)
                // Our close frame may wait behind what a slow reader has not read yet: as long as the close wait.
                .forceCloseTimeoutMillis(CLOSE_WAIT_MS)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        // One frame, like one message, is at most MAX_MESSAGE_CHARS bytes: larger closes with 1009.
                        .maxFramePayloadLength(OrderEntryProtocol.MAX_MESSAGE_CHARS)
                        .allowExtensions(false)
                        .closeOnProtocolViolation(true)
                        .build())
                .build();

    /**
     * A request's body is at most {@link RestOrderEntry#maxBodyBytes()} (the HTTP port's bound); a larger one, declared
     * or chunked, is answered 413 PAYLOAD_TOO_LARGE, as the HTTP port answers it, and the connection closes rather
     * than read the rest.
     */
    private static final class BodyBound extends HttpObjectAggregator {
        BodyBound() {
            super(RestOrderEntry.maxBodyBytes());
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.writeAndFlush(response(RestOrderEntry.tooLarge(), false)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Before the upgrade, every request of the connection: {@code /api/v1/ws} is charged to its source address as
     * the REST filter charges Tomcat's (429 when refused) and goes on to the upgrade, after which this leaves the
     * pipeline; a POST to {@code /api/v1/orders} or {@code /api/v1/orders/batch} is served here
     * ({@link RestOrderEntry}), with keep-alive, its answers written in the order of the requests; anything else
     * is 404 (405 for another method on those two paths).
     */
    private final class Gate extends ChannelInboundHandlerAdapter {
        /** The REST requests not answered yet, oldest first; each one's reply is set on the loop when it completes. */
        private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
        /** Set once the connection has sent a REST request: then it is closed when idle, not at the handshake timeout. */
        boolean restServed;
        /** A request is being started on another thread: the connection's later requests wait in {@link #held}. */
        private boolean holding;
        private final ArrayDeque<RestRequest> held = new ArrayDeque<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpRequest req)) {
                ctx.fireChannelRead(msg);
                return;
            }
            if (req.decoderResult().isFailure()) {
                ReferenceCountUtil.release(req);
                respond(ctx, HttpResponseStatus.BAD_REQUEST, "{\"code\":\"MALFORMED_REQUEST\",\"msg\":\"not an HTTP/1.1 request\"}", null);
                return;
            }
            String path = req.uri();
            String query = null;
            int q = path.indexOf('?');
            if (q >= 0) {
                query = path.substring(q + 1);
                path = path.substring(0, q);
            }
            if (RestOrderEntry.serves(path)) {
                rest(ctx, req, path, query);
                return;
            }
            if (!WebSocketConfig.PATH.equals(path) || !inFlight.isEmpty()) {
                ReferenceCountUtil.release(req);
                respond(ctx, HttpResponseStatus.NOT_FOUND, "{\"code\":\"NOT_FOUND\",\"msg\":\"this port serves " + WebSocketConfig.PATH
                        + ", POST " + RestOrderEntry.ORDERS + " and POST " + RestOrderEntry.BATCH + " only\"}", null);
                return;
            }
            try {
                limits.address(remoteAddress(ctx.channel()));
            } catch (RateLimits.Refused e) {
                ReferenceCountUtil.release(req);
                respond(ctx, HttpResponseStatus.TOO_MANY_REQUESTS, "{\"code\":\"" + RateLimits.CODE + "\",\"msg\":\"" + e.getMessage() + "\"}",
                        Long.toString(e.retryAfterSeconds()));
                return;
            }
            if (ctx.pipeline().get(IdleStateHandler.class) != null) ctx.pipeline().remove(IdleStateHandler.class);
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(req);
        }

        /**
         * One REST request: read off its buffer (released at once), started in order after the connection's earlier
         * ones, answered when its future completes, after every request before it on this connection.
         */
        private void rest(ChannelHandlerContext ctx, FullHttpRequest req, String path, String query) {
            if (!restServed) {
                restServed = true;
                ctx.pipeline().addFirst(new IdleStateHandler(0, 0, REST_IDLE_MS, TimeUnit.MILLISECONDS));
            }
            Pending p = new Pending(HttpUtil.isKeepAlive(req));
            inFlight.add(p);
            if (inFlight.size() >= MAX_REST_IN_FLIGHT) ctx.channel().config().setAutoRead(false);
            RestRequest r;
            try {
                HttpHeaders h = req.headers();
                r = new RestRequest(p, HttpMethod.POST.equals(req.method()), path, query, h.get(HttpHeaderNames.CONTENT_TYPE),
                        h.get(HttpHeaderNames.ACCEPT), h.get("X-Account-Id"), h.get("X-Timestamp"), h.get("X-Signature"),
                        ByteBufUtil.getBytes(req.content()));
            } finally {
                ReferenceCountUtil.release(req);
            }
            if (holding) held.add(r); // bounded: at most MAX_REST_IN_FLIGHT (and what one read decoded) are in flight
            else start(ctx, r);
        }

        /**
         * On the loop unless the account's key must be read from PostgreSQL (its first request since this gateway
         * started, an unknown account): that one is started on a virtual thread, and the connection's later requests
         * wait for it to start its append, so that a connection's orders are appended in the order they were sent.
         */
        private void start(ChannelHandlerContext ctx, RestRequest r) {
            if (!r.post()) {
                answerWhenDone(ctx, r.pending(), CompletableFuture.completedFuture(RestOrderEntry.onlyPost(r.path())));
                return;
            }
            CompletableFuture<RestOrderEntry.Reply> refused = charged(ctx.channel());
            if (refused != null) {
                answerWhenDone(ctx, r.pending(), refused);
                return;
            }
            if (rest.postsWithoutBlocking(r.accountId())) {
                answerWhenDone(ctx, r.pending(), post(r));
                return;
            }
            holding = true;
            BLOCKING.execute(() -> {
                CompletableFuture<RestOrderEntry.Reply> reply = post(r);
                try {
                    ctx.executor().execute(() -> {
                        holding = false;
                        answerWhenDone(ctx, r.pending(), reply);
                        while (!holding && !held.isEmpty()) start(ctx, held.poll());
                    });
                } catch (RejectedExecutionException stopping) {
                    // the loop is shutting down with the gateway: the connection closes with it
                }
            });
        }

        private CompletableFuture<RestOrderEntry.Reply> post(RestRequest r) {
            try {
                return rest.post(r.path(), r.query(), r.contentType(), r.accept(), r.accountId(), r.timestampMs(), r.signature(), r.body());
            } catch (RuntimeException e) { // post answers its refusals itself; anything else is ours
                return CompletableFuture.completedFuture(RestOrderEntry.unavailable(e));
            }
        }

        private void answerWhenDone(ChannelHandlerContext ctx, Pending p, CompletableFuture<RestOrderEntry.Reply> reply) {
            reply.whenComplete((r, error) -> {
                RestOrderEntry.Reply answer = error == null ? r : RestOrderEntry.unavailable(error);
                if (ctx.executor().inEventLoop()) answered(ctx, p, answer);
                else ctx.executor().execute(() -> answered(ctx, p, answer));
            });
        }

        /** The address's rate limit, as Tomcat's RateLimitFilter charges every request: null when within it. */
        private CompletableFuture<RestOrderEntry.Reply> charged(Channel ch) {
            try {
                limits.address(remoteAddress(ch));
                return null;
            } catch (RateLimits.Refused e) {
                return CompletableFuture.completedFuture(RestOrderEntry.rateLimited(e));
            }
        }

        /** On the loop: the answers ready at the head of the queue leave, with one flush. */
        private void answered(ChannelHandlerContext ctx, Pending p, RestOrderEntry.Reply reply) {
            p.reply = reply;
            boolean wrote = false;
            for (Pending head; (head = inFlight.peek()) != null && head.reply != null; ) {
                inFlight.poll();
                wrote = true;
                if (!head.keepAlive) {
                    inFlight.clear(); // nothing after a "Connection: close" request is answered
                    ctx.writeAndFlush(response(head.reply, false)).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                ctx.write(response(head.reply, true), ctx.voidPromise());
            }
            if (wrote) ctx.flush();
            if (!ctx.channel().config().isAutoRead() && inFlight.size() <= MAX_REST_IN_FLIGHT / 2) ctx.channel().config().setAutoRead(true);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                if (inFlight.isEmpty()) ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String json, String retryAfter) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
            if (retryAfter != null) r.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** A REST request as read, its buffer released: what {@link RestOrderEntry#post} needs, and its place in line. */
    private record RestRequest(Pending pending, boolean post, String path, String query, String contentType, String accept,
                               String accountId, String timestampMs, String signature, byte[] body) {}

    /** Where a request whose account key must be read from PostgreSQL is started (never on the event loop). */
    private static final java.util.concurrent.Executor BLOCKING = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    /** A REST request in flight: whether its connection stays open after it, and its answer once complete. */
    private static final class Pending {
        final boolean keepAlive;
        RestOrderEntry.Reply reply;

        Pending(boolean keepAlive) {
            this.keepAlive = keepAlive;
        }
    }

    static FullHttpResponse response(RestOrderEntry.Reply reply, boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()),
                Unpooled.wrappedBuffer(reply.body()));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        if (reply.retryAfter() != null) r.headers().set(HttpHeaderNames.RETRY_AFTER, reply.retryAfter());
        if (!keepAlive) r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }

    static String remoteAddress(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null ? a.getAddress().getHostAddress() : null;
    }

    /** One upgraded connection: frames in to the protocol, on the channel's event loop. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        /** Set on the event loop once the handshake completed; null before (and when refused). */
        WsConnection connection;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                NettyTransport transport = new NettyTransport(ctx.channel());
                connection = protocol.open(transport, remoteAddress(ctx.channel()));
                if (connection == null) transport.close(OrderEntryProtocol.TOO_MANY_CONNECTIONS);
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                WsConnection c = connection;
                if (c == null) return;
                if (msg instanceof TextWebSocketFrame text) protocol.onText(c, text.text());
                else if (msg instanceof PongWebSocketFrame) protocol.heard(c);
                else if (msg instanceof BinaryWebSocketFrame) {
                    c.close(new WsClose(WsClose.UNSUPPORTED_DATA, "requests are JSON text frames"));
                } else if (msg instanceof FullHttpRequest) {
                    ctx.close(); // cannot happen: the gate and the handshake took every request
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            WsConnection c = connection;
            if (c != null && ctx.channel().isWritable()) c.writable();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            WsConnection c = connection;
            if (c != null) protocol.closed(c);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            WsConnection c = connection;
            if (cause instanceof TooLongFrameException && c != null) {
                // A message of several frames past the bound (WebSocketFrameAggregator); one frame past it was
                // already closed with 1009 by the decoder.
                c.close(new WsClose(WsClose.MESSAGE_TOO_BIG, "a message is at most " + OrderEntryProtocol.MAX_MESSAGE_CHARS + " bytes"));
                return;
            }
            log.debug("websocket {}: {}", ctx.channel().id().asShortText(), cause.toString());
            ctx.close();
        }
    }

    /** The channel as a {@link WsTransport}: every write on its event loop, one flush per burst. */
    static final class NettyTransport implements WsTransport {
        private final Channel ch;

        NettyTransport(Channel ch) {
            this.ch = ch;
        }

        @Override
        public void execute(Runnable writer) {
            try {
                ch.eventLoop().execute(writer);
            } catch (RejectedExecutionException e) {
                // The loop is shutting down (the gateway stops): the connection closes with it.
            }
        }

        @Override
        public boolean writable() {
            return ch.isWritable();
        }

        @Override
        public void text(String text) {
            // The JDK's encoder, then one copy into a pooled buffer: String.getBytes takes an ASCII string (every
            // response and report we write) as a vectorised copy, where ByteBufUtil.writeUtf8 walks it charAt by charAt
            // (11 % of the event loop's time at 4,000 orders/s, docs/benchmarks.md session 13). Both write '?' for a
            // lone surrogate. TextWebSocketFrame(String) would copy into an unpooled buffer.
            textUtf8(text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void textUtf8(byte[] utf8) {
            ByteBuf buf = ch.alloc().buffer(utf8.length);
            buf.writeBytes(utf8);
            ch.write(new TextWebSocketFrame(buf), ch.voidPromise());
        }

        @Override
        public void ping() {
            ch.write(new PingWebSocketFrame(), ch.voidPromise());
        }

        @Override
        public void flush() {
            ch.flush();
        }

        /**
         * The close frame, then the client's answer: the protocol handler closes the socket when the client's close
         * frame comes (what the client still sends meanwhile is read and dropped, as Tomcat does, so the client
         * never meets a reset), or after {@link #CLOSE_WAIT_MS} without one.
         */
        @Override
        public void close(WsClose reason) {
            ch.writeAndFlush(new CloseWebSocketFrame(reason.code(), reason.reason()));
            ch.eventLoop().schedule(() -> ch.close(), CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        }

        @Override
        public boolean isOpen() {
            return ch.isActive();
        }

        @Override
        public boolean readerMayBlock() {
            return false;
        }

        @Override
        public void pauseReading() {
            ch.config().setAutoRead(false);
        }

        @Override
        public void resumeReading() {
            ch.config().setAutoRead(true);
        }

        @Override
        public void onReader(Runnable task) {
            execute(task);
        }

        @Override
        public String id() {
            return "netty-" + ch.id().asShortText();
        }
    }
}
