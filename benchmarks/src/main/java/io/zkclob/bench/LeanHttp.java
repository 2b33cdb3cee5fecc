package io.zkclob.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * An HTTP/1.1 client for the load generator's REST modes: a pool of persistent connections, one request in flight
 * on each (no pipelining), requests pre-encoded as bytes so that a send is one socket write from the caller's
 * thread, and each connection's responses read by one virtual thread. A request that finds every connection busy
 * waits in a queue and goes out on the first connection that frees (its latency still counts from its intended
 * send time: the generator measures from there).
 *
 * <p>Why not the JDK's {@code java.net.http.HttpClient}: at 2,000 signed orders/s (2026-11-28, Intel Xeon dev-2c)
 * the generator spent about 510 µs of CPU per request in it (one selector thread, a chain of completion stages and
 * a connection opened per concurrent request), more than the fleet spent on the order, and acknowledgements queued
 * for seconds while the fleet used under half of the two cores: the figure measured the client.
 *
 * <p>Only what the generator needs: responses with {@code Content-Length} or chunked bodies, {@code Connection:
 * close} answered by reconnecting, bodies up to {@link #MAX_BODY_BYTES}.
 */
final class LeanHttp implements AutoCloseable {
    static final int MAX_BODY_BYTES = 1 << 20;
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    record Response(int status, String body) {}

    interface Callback {
        void done(Response response, Throwable error);
    }

    private record Pending(byte[] request, Callback callback) {}

    private final String host;
    private final int port;
    /** Guarded by {@code this}: idle connections (most recently freed first, so a hot few carry light loads). */
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    /** Guarded by {@code this}: requests waiting for a connection. */
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private volatile boolean closed;

    LeanHttp(String host, int port, int connections) throws IOException {
        if (connections < 1 || connections > 4_096) throw new IllegalArgumentException("connections " + connections);
        this.host = host;
        this.port = port;
        for (int i = 0; i < connections; i++) idle.add(new Conn());
    }

    /** "POST path" with a JSON body and extra headers, as the bytes one write sends. */
    String head(String method, String path, int contentLength) {
        return method + " " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + contentLength + "\r\n";
    }

    byte[] encode(String method, String path, String body, String... headerNamesAndValues) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder s = new StringBuilder(head(method, path, b.length));
        for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
            s.append(headerNamesAndValues[i]).append(": ").append(headerNamesAndValues[i + 1]).append("\r\n");
        }
        byte[] h = s.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + b.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(b, 0, out, h.length, b.length);
        return out;
    }

    /** Sends now on an idle connection, or queues; {@code callback} runs on a connection's reader thread. */
    void send(byte[] request, Callback callback) {
        Pending p = new Pending(request, callback);
        Conn c;
        synchronized (this) {
            c = idle.pollFirst();
            if (c == null) {
                waiting.addLast(p);
                return;
            }
        }
        c.start(p);
    }

    /** A connection just answered: the next waiting request goes out on it, or it becomes idle. */
    private void freed(Conn c) {
        Pending next;
        synchronized (this) {
            next = waiting.pollFirst();
            if (next == null) {
                idle.addFirst(c);
                return;
            }
        }
        c.start(next);
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            for (Conn c : idle) c.closeSocket();
        }
    }

    private final class Conn {
        private Socket socket;
        private OutputStream out;
        private InputStream in;
        private Pending current;
        /** Whether the socket has carried a response already: the server may have closed it while it was idle. */
        private boolean reused;

        private void connect() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), 10_000);
            socket = s;
            reused = false;
            out = s.getOutputStream();
            in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
        }

        /** Writes the request (connecting first if needed) and reads its response on a virtual thread. */
        void start(Pending p) {
            current = p;
            try {
                if (socket == null) connect();
                try {
                    out.write(p.request());
                    out.flush();
                } catch (IOException closedWhileIdle) {
                    if (!reused) throw closedWhileIdle;
                    resendOnNewConnection(p);
                }
            } catch (IOException e) {
                fail(e);
                return;
            }
            Thread.ofVirtual().start(this::readOne);
        }

        /**
         * The server closed this connection while it was idle (its keep-alive timeout) before reading any of the
         * request: it goes out again, once, on a new connection.
         */
        private void resendOnNewConnection(Pending p) throws IOException {
            closeSocket();
            connect();
            out.write(p.request());
            out.flush();
        }

        private void readOne() {
            Pending p = current;
            Response r;
            boolean keep;
            try {
                String statusLine = line(in);
                if (statusLine == null && reused) {
                    resendOnNewConnection(p);
                    statusLine = line(in);
                }
                if (statusLine == null) throw new IOException("connection closed before a response");
                int status = Integer.parseInt(statusLine.substring(9, 12));
                long length = -1;
                boolean chunked = false;
                keep = true;
                int headerBytes = 0;
                for (String h; !(h = line(in)).isEmpty(); ) {
                    headerBytes += h.length();
                    if (headerBytes > MAX_HEADER_BYTES) throw new IOException("response headers too long");
                    int colon = h.indexOf(':');
                    if (colon < 0) continue;
                    String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = h.substring(colon + 1).trim();
                    if (name.equals("content-length")) length = Long.parseLong(value);
                    else if (name.equals("transfer-encoding")) chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    else if (name.equals("connection")) keep = !value.equalsIgnoreCase("close");
                }
                byte[] body = chunked ? chunked(in) : length >= 0 ? exactly(in, length) : exactly(in, 0);
                r = new Response(status, new String(body, StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                fail(e);
                return;
            }
            current = null;
            reused = true;
            if (!keep) closeSocket(); // the next request on this connection reconnects
            try {
                p.callback().done(r, null);
            } finally {
                if (!closed) freed(this);
            }
        }

        private void fail(Exception e) {
            Pending p = current;
            current = null;
            closeSocket();
            try {
                if (p != null) p.callback().done(null, e);
            } finally {
                if (!closed) freed(this); // reconnects on its next request
            }
        }

        void closeSocket() {
            Socket s = socket;
            socket = null;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    private static byte[] exactly(InputStream in, long length) throws IOException {
        if (length > MAX_BODY_BYTES) throw new IOException("response body of " + length + " bytes");
        byte[] b = in.readNBytes((int) length);
        if (b.length != length) throw new IOException("connection closed inside a response body");
        return b;
    }

    private static byte[] chunked(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            if (sizeLine == null) throw new IOException("connection closed inside a chunked body");
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                for (String t; (t = line(in)) != null && !t.isEmpty(); ) { /* trailers */ }
                return body.toByteArray();
            }
            if (body.size() + size > MAX_BODY_BYTES) throw new IOException("chunked response body over " + MAX_BODY_BYTES + " bytes");
            body.write(exactly(in, size));
            if (!line(in).isEmpty()) throw new IOException("chunk not followed by CRLF");
        }
    }

    /** One CRLF-terminated line (without it); null at the end of the stream before any byte. */
    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder(64);
        for (int b; ; ) {
            b = in.read();
            if (b < 0) {
                if (s.isEmpty()) return null;
                throw new IOException("connection closed inside a line");
            }
            if (b == '\n') {
                int n = s.length();
                if (n > 0 && s.charAt(n - 1) == '\r') s.setLength(n - 1);
                return s.toString();
            }
            if (s.length() >= MAX_HEADER_BYTES) throw new IOException("response line too long");
            s.append((char) b);
        }
    }
}
