package io.zkclob.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * The REST side of the load generator: persistent HTTP/1.1 connections served by one thread with one selector, one
 * request in flight on each (no pipelining), as {@link WsLoad} serves the WebSocket modes. Each pre-encoded request
 * goes out at its intended time on an idle connection, or waits (in order) for the first one that frees; its latency
 * still counts from its intended time. The client before it (LeanHttp, sessions 10-17) read each response on a
 * virtual thread: 15-18 s of the generator's CPU per 60 s at 3,000 orders/s (2026-11-29, AMD EPYC dev-2c), a tenth of
 * the two cores the fleet needs, in context switches between the sender, the carriers and their poller.
 *
 * <p>Why not the JDK's {@code java.net.http.HttpClient}: at 2,000 signed orders/s (2026-11-28, Intel Xeon dev-2c)
 * the generator spent about 510 µs of CPU per request in it (one selector thread, a chain of completion stages and
 * a connection opened per concurrent request), more than the fleet spent on the order, and acknowledgements queued
 * for seconds while the fleet used under half of the two cores: the figure measured the client.
 *
 * <p>Only what the generator needs: responses with {@code Content-Length} or chunked bodies, {@code Connection: close}
 * answered by reconnecting before the next request. A connection that closes with a request in flight fails that
 * request (it is never sent again: a signed request sent twice is refused as a replay).
 */
final class HttpLoad implements AutoCloseable {
    static final int MAX_RESPONSE_BYTES = 1 << 20;

    record Response(int status, String body) {}

    /** Requests to send: request i at {@code intendedNanos[i]} (ascending), its answer to {@code callback}. */
    record Plan(byte[][] requests, long[] intendedNanos, Callback callback, CountDownLatch sent) implements Pacer.Paced {}

    interface Callback {
        /** On the load's thread: request {@code index} answered, or failed ({@code response} null). */
        void done(int index, Response response, Throwable error);
    }

    private final class Conn {
        SocketChannel ch;
        SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(16 * 1024); // write mode between reads
        ByteBuffer out; // what is left of the request being written, or null
        Req inFlight; // the request in flight, or null
        boolean closeAfter;

        void connect() throws IOException {
            SocketChannel c = SocketChannel.open();
            c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            c.socket().connect(new InetSocketAddress(host, port), 10_000);
            c.configureBlocking(false);
            ch = c;
            key = c.register(selector, SelectionKey.OP_READ, this);
            in.clear();
            closeAfter = false;
        }

        void close() {
            if (key != null) key.cancel();
            try {
                if (ch != null) ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            ch = null;
            key = null;
        }
    }

    private final String host;
    private final int port;
    private final Selector selector;
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    /** A request of a plan (a straggler of the previous step is answered to its own plan's callback). */
    private record Req(Plan plan, int index) {}

    private final ArrayDeque<Req> waiting = new ArrayDeque<>();
    private final Pacer<Plan> pacer = new Pacer<>();
    private volatile boolean open = true;
    private final Thread loop;

    HttpLoad(String host, int port, int connections) throws IOException {
        if (connections < 1 || connections > 4_096) throw new IllegalArgumentException("connections " + connections);
        this.host = host;
        this.port = port;
        this.selector = Selector.open();
        for (int i = 0; i < connections; i++) idle.add(new Conn()); // connected on first use
        loop = Thread.ofPlatform().name("http-load").daemon().start(this::run);
    }

    /** A POST with a JSON body and extra headers, as the bytes one write sends. */
    byte[] encode(String method, String path, String body, String... headerNamesAndValues) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder s = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host).append(':')
                .append(port).append("\r\nContent-Type: application/json\r\nContent-Length: ").append(b.length).append("\r\n");
        for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
            s.append(headerNamesAndValues[i]).append(": ").append(headerNamesAndValues[i + 1]).append("\r\n");
        }
        byte[] h = s.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + b.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(b, 0, out, h.length, b.length);
        return out;
    }

    /** Sends the plan's requests, each at its time; returns once the last one is written or queued. */
    void send(Plan p) throws InterruptedException {
        pacer.send(p, selector);
    }

    private void run() {
        try {
            while (open) {
                Pacer.awaitDue(selector, pacer.sendDue((p, i) -> dispatch(new Req(p, i))));
                for (SelectionKey k : selector.selectedKeys()) {
                    Conn c = (Conn) k.attachment();
                    if (k.isValid() && k.isWritable()) flush(c);
                    if (k.isValid() && k.isReadable()) read(c);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            if (open) throw new UncheckedIOException("http load failed", e);
        }
    }

    /** A request on an idle connection, or in line for the next one that frees. */
    private void dispatch(Req r) {
        Conn c = idle.pollFirst();
        if (c == null) {
            waiting.addLast(r);
            return;
        }
        start(c, r);
    }

    private void start(Conn c, Req r) {
        c.inFlight = r;
        try {
            if (c.ch == null) c.connect();
            ByteBuffer b = ByteBuffer.wrap(r.plan().requests()[r.index()]);
            c.ch.write(b);
            if (b.hasRemaining()) {
                c.out = b;
                c.key.interestOpsOr(SelectionKey.OP_WRITE);
            }
        } catch (IOException e) {
            failed(c, e);
        }
    }

    private void flush(Conn c) {
        try {
            c.ch.write(c.out);
            if (!c.out.hasRemaining()) {
                c.out = null;
                c.key.interestOpsAnd(~SelectionKey.OP_WRITE);
            }
        } catch (IOException e) {
            failed(c, e);
        }
    }

    private void read(Conn c) {
        int n;
        try {
            if (!c.in.hasRemaining()) {
                if (c.in.capacity() >= MAX_RESPONSE_BYTES) throw new IOException("response over " + MAX_RESPONSE_BYTES + " bytes");
                c.in = ByteBuffer.allocate(c.in.capacity() * 2).put(c.in.flip());
            }
            n = c.ch.read(c.in);
        } catch (IOException e) {
            failed(c, e);
            return;
        }
        if (n < 0) {
            if (c.inFlight != null) failed(c, new IOException("connection closed before a response"));
            else {
                c.close(); // closed while idle (the server's keep-alive timeout): reconnected on its next request
            }
            return;
        }
        Response r;
        try {
            r = parse(c);
        } catch (IOException | RuntimeException e) {
            failed(c, e);
            return;
        }
        if (r == null) return; // not whole yet
        Req done = c.inFlight;
        c.inFlight = null;
        if (c.closeAfter) c.close();
        if (done != null) done.plan().callback().done(done.index(), r, null);
        freed(c);
    }

    private void failed(Conn c, Throwable e) {
        Req done = c.inFlight;
        c.inFlight = null;
        c.out = null;
        c.close();
        if (done != null) done.plan().callback().done(done.index(), null, e);
        freed(c);
    }

    private void freed(Conn c) {
        Req next = waiting.pollFirst();
        if (next != null) start(c, next);
        else idle.addFirst(c);
    }

    /** The response whole in {@code c.in} (consumed), or null when more bytes are needed. */
    private static Response parse(Conn c) throws IOException {
        ByteBuffer b = c.in;
        byte[] a = b.array();
        int end = b.position();
        int headEnd = -1;
        for (int i = 3; i < end; i++) {
            if (a[i - 3] == '\r' && a[i - 2] == '\n' && a[i - 1] == '\r' && a[i] == '\n') {
                headEnd = i + 1;
                break;
            }
        }
        if (headEnd < 0) return null;
        String head = new String(a, 0, headEnd, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(head.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String h : head.split("\r\n")) {
            int colon = h.indexOf(':');
            if (colon < 0) continue;
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) length = Long.parseLong(value);
            else if (name.equals("transfer-encoding")) chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            else if (name.equals("connection")) close = value.equalsIgnoreCase("close");
        }
        byte[] body;
        int consumed;
        if (chunked) {
            java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
            int at = headEnd;
            while (true) {
                int lineEnd = indexOfCrlf(a, at, end);
                if (lineEnd < 0) return null;
                String sizeLine = new String(a, at, lineEnd - at, StandardCharsets.ISO_8859_1);
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                at = lineEnd + 2;
                if (size == 0) {
                    int trailerEnd = indexOfCrlf(a, at, end); // no trailers: the empty line
                    if (trailerEnd < 0) return null;
                    consumed = trailerEnd + 2;
                    break;
                }
                if (at + size + 2 > end) return null;
                joined.write(a, at, size);
                at += size + 2;
            }
            body = joined.toByteArray();
        } else {
            if (length < 0) length = 0;
            if (headEnd + length > end) return null;
            body = java.util.Arrays.copyOfRange(a, headEnd, (int) (headEnd + length));
            consumed = (int) (headEnd + length);
        }
        b.flip().position(consumed);
        b.compact();
        c.closeAfter = close;
        return new Response(status, new String(body, StandardCharsets.UTF_8));
    }

    private static int indexOfCrlf(byte[] a, int from, int end) {
        for (int i = from; i + 1 < end; i++) if (a[i] == '\r' && a[i + 1] == '\n') return i;
        return -1;
    }

    @Override
    public void close() throws IOException {
        open = false;
        selector.wakeup();
        try {
            loop.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Conn c : idle) c.close();
        selector.close();
    }
}
