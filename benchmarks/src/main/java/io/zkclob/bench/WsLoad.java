package io.zkclob.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The WebSocket side of the load generator (RFC 6455, client): every connection served by one thread with one
 * selector, which sends each pre-built, pre-masked frame at its intended time and reads what comes back. Session
 * 13's generator (a send per order from the caller's thread, a virtual thread reading each of
 * the 100 connections) took 87 µs of CPU per order at 4,000/s, a fifth of the machine, most of it in context
 * switches between the sender, the virtual threads' carriers and their poller; here one thread wakes when an order
 * is due or bytes arrive, and execution reports are skipped without being decoded (only responses, the messages that
 * start with a numeric {@code "id"}, reach the listener).
 *
 * <p>Connections are opened and logged on one at a time ({@link #connect}, waiting for each answer), then {@link #start}
 * switches them to the selector. A plan ({@link #send}) is sent in order; a frame that the socket does not take whole
 * waits in its connection's buffer (the order after it on that connection waits too; the latency counts it).
 */
final class WsLoad implements AutoCloseable {
    /** A server frame is at most 16 KiB (the gateway's limit); messages (fragments joined) at most this. */
    static final int MAX_MESSAGE_BYTES = 1 << 20;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] RESPONSE_PREFIX = "{\"id\":".getBytes(StandardCharsets.US_ASCII);

    /** One connection: its mask, what it read and has not parsed, what it could not write yet. */
    private static final class Conn {
        final SocketChannel ch;
        final byte[] mask = new byte[4];
        ByteBuffer in = ByteBuffer.allocate(64 * 1024); // write mode between reads
        ByteBuffer pending = ByteBuffer.allocate(0); // read mode: what is left to write
        /** A fragmented message being joined (null when none, or when it is one that is skipped). */
        byte[] fragments;
        int fragmentsLength;
        boolean skipping;
        boolean closed;

        Conn(SocketChannel ch) {
            this.ch = ch;
            RANDOM.nextBytes(mask);
        }
    }

    /** Frames to send: frame i on connection {@code to[i]} at {@code intendedNanos[i]} (ascending). */
    record Plan(int[] to, byte[][] frames, long[] intendedNanos, CountDownLatch sent) implements Pacer.Paced {}

    private final Selector selector;
    private final List<Conn> conns = new ArrayList<>();
    private final Consumer<String> onResponse;
    private final Pacer<Plan> pacer = new Pacer<>();
    private volatile boolean open = true;
    private Thread loop;

    /** {@code onResponse} is called on the load's thread with every response (a message that starts {@code {"id":N}). */
    WsLoad(Consumer<String> onResponse) throws IOException {
        this.selector = Selector.open();
        this.onResponse = onResponse;
    }

    int connections() {
        return conns.size();
    }

    /**
     * Opens {@code ws://host:port/path}, sends {@code logon} and returns the first text message that answers it
     * (blocking, before {@link #start}); the connection's index is {@link #connections()} - 1 afterwards.
     */
    String connect(String host, int port, String path, String logon) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        ch.socket().connect(new InetSocketAddress(host, port), 10_000);
        Conn c = new Conn(ch);
        try (Selector one = Selector.open()) { // reads with a timeout (a blocking channel ignores SO_TIMEOUT)
            byte[] key = new byte[16];
            RANDOM.nextBytes(key);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            writeFully(ch, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ch.configureBlocking(false);
            ch.register(one, SelectionKey.OP_READ);
            int headerEnd;
            while ((headerEnd = headerEnd(c.in)) < 0) {
                if (!c.in.hasRemaining()) throw new IOException("websocket upgrade: no answer within 64 KiB");
                readWithin(one, c);
            }
            String status = new String(c.in.array(), 0, c.in.position(), StandardCharsets.US_ASCII).lines().findFirst().orElse("");
            if (!status.startsWith("HTTP/1.1 101")) {
                ch.close();
                throw new IOException("websocket upgrade refused: " + status);
            }
            c.in.flip().position(headerEnd);
            c.in.compact();
            writeFully(ch, ByteBuffer.wrap(frame(c, logon)));
            String[] answer = new String[1];
            while (true) {
                parse(c, text -> answer[0] = text, true);
                if (answer[0] != null) break;
                if (c.closed) throw new IOException("connection closed before the logon's answer");
                readWithin(one, c);
            }
            one.selectedKeys().clear();
            ch.keyFor(one).cancel();
            one.selectNow(); // deregisters, so that the channel can join the load's selector
            conns.add(c);
            return answer[0];
        }
    }

    private static void readWithin(Selector one, Conn c) throws IOException {
        if (one.select(10_000) == 0) throw new IOException("no answer from the server within 10 s");
        one.selectedKeys().clear();
        if (c.ch.read(c.in) < 0) throw new IOException("connection closed by the server");
    }

    /** The frame of {@code text} for connection {@code conn}, masked with its key. */
    byte[] frame(int conn, String text) {
        return frame(conns.get(conn), text);
    }

    /** Switches every connection to the selector and starts the thread that serves them. */
    void start() throws IOException {
        for (Conn c : conns) c.ch.register(selector, SelectionKey.OP_READ, c);
        loop = Thread.ofPlatform().name("ws-load").daemon().start(this::run);
    }

    /** Sends the plan's frames, each at its time; returns once the last one is written or queued. */
    void send(Plan p) throws InterruptedException {
        pacer.send(p, selector);
    }

    private void run() {
        try {
            while (open) {
                Pacer.awaitDue(selector, pacer.sendDue((p, i) -> write(conns.get(p.to()[i]), p.frames()[i])));
                for (SelectionKey k : selector.selectedKeys()) {
                    Conn c = (Conn) k.attachment();
                    if (k.isValid() && k.isWritable()) flush(c, k);
                    if (k.isValid() && k.isReadable()) read(c, k);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            if (open) throw new UncheckedIOException("websocket load failed", e);
        }
    }

    private void read(Conn c, SelectionKey k) throws IOException {
        boolean wasClosed = c.closed;
        if (c.ch.read(c.in) < 0) c.closed = true;
        parse(c, onResponse, false);
        if (c.closed) {
            k.cancel(); // the end of the stream or a close frame: nothing more to read, and said once
            if (!wasClosed && open) System.out.println("websocket closed by the server");
        }
    }

    /**
     * Every whole frame in {@code c.in}: pings answered, text messages that are responses handed on (or every text
     * message when {@code all}), the rest skipped without decoding.
     */
    private void parse(Conn c, Consumer<String> sink, boolean all) throws IOException {
        ByteBuffer b = c.in.flip();
        while (true) {
            int start = b.position();
            if (b.remaining() < 2) break;
            int b0 = b.get(start) & 0xff, b1 = b.get(start + 1) & 0xff;
            int header = 2;
            long n = b1 & 0x7f;
            if (n == 126) {
                if (b.remaining() < 4) break;
                n = ((b.get(start + 2) & 0xff) << 8) | (b.get(start + 3) & 0xff);
                header = 4;
            } else if (n == 127) {
                if (b.remaining() < 10) break;
                n = b.getLong(start + 2);
                header = 10;
            }
            if ((b1 & 0x80) != 0) header += 4; // servers do not mask; a masked frame is refused below
            if (n > MAX_MESSAGE_BYTES) throw new IOException("frame longer than " + MAX_MESSAGE_BYTES + " bytes");
            if (b.remaining() < header + n) {
                if (header + n > b.capacity()) { // grow to hold the whole frame
                    ByteBuffer bigger = ByteBuffer.allocate((int) (header + n));
                    bigger.put(b);
                    c.in = bigger;
                    return;
                }
                break;
            }
            if ((b1 & 0x80) != 0) throw new IOException("a masked frame from the server");
            int payload = start + header, length = (int) n;
            b.position(payload + length);
            int opcode = b0 & 0x0f;
            boolean fin = (b0 & 0x80) != 0;
            if (opcode == 0x9) {
                byte[] ping = new byte[length];
                b.get(payload, ping);
                write(c, frame(c, 0xA, ping));
            } else if (opcode == 0x8) {
                c.closed = true;
            } else if (opcode == 0x1 || opcode == 0x0) {
                if (opcode == 0x1) {
                    c.skipping = !all && !startsWith(b, payload, length, RESPONSE_PREFIX);
                    c.fragmentsLength = 0;
                }
                if (c.skipping) continue;
                if (fin && c.fragmentsLength == 0) {
                    sink.accept(new String(b.array(), payload, length, StandardCharsets.UTF_8));
                } else {
                    if (c.fragments == null || c.fragments.length < c.fragmentsLength + length) {
                        if (c.fragmentsLength + length > MAX_MESSAGE_BYTES) throw new IOException("message too long");
                        c.fragments = java.util.Arrays.copyOf(c.fragments == null ? new byte[0] : c.fragments,
                                Math.max(c.fragmentsLength + length, 4096));
                    }
                    b.get(payload, c.fragments, c.fragmentsLength, length);
                    c.fragmentsLength += length;
                    if (fin) {
                        sink.accept(new String(c.fragments, 0, c.fragmentsLength, StandardCharsets.UTF_8));
                        c.fragmentsLength = 0;
                    }
                }
            }
        }
        b.compact();
    }

    private static boolean startsWith(ByteBuffer b, int at, int length, byte[] prefix) {
        if (length <= prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) {
            if (b.get(at + i) != prefix[i]) return false;
        }
        byte first = b.get(at + prefix.length);
        return first == '-' || (first >= '0' && first <= '9'); // a numeric id: an order's response, not the logon's
    }

    /** Writes what the socket takes; the rest waits for OP_WRITE (and everything after it on this connection). */
    private void write(Conn c, byte[] frame) throws IOException {
        if (c.closed) return;
        if (!c.pending.hasRemaining()) {
            ByteBuffer f = ByteBuffer.wrap(frame);
            c.ch.write(f);
            if (!f.hasRemaining()) return;
            c.pending = f;
        } else {
            ByteBuffer joined = ByteBuffer.allocate(c.pending.remaining() + frame.length);
            joined.put(c.pending).put(frame).flip();
            c.pending = joined;
        }
        SelectionKey k = c.ch.keyFor(selector);
        if (k != null) k.interestOpsOr(SelectionKey.OP_WRITE);
        else writeFully(c.ch, c.pending); // not served by the load's thread yet (the logon)
    }

    private static void flush(Conn c, SelectionKey k) throws IOException {
        c.ch.write(c.pending);
        if (!c.pending.hasRemaining()) k.interestOpsAnd(~SelectionKey.OP_WRITE);
    }

    private static byte[] frame(Conn c, String text) {
        return frame(c, 0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] frame(Conn c, int opcode, byte[] payload) {
        int n = payload.length;
        int header = n < 126 ? 6 : n < 65_536 ? 8 : 14;
        byte[] f = new byte[header + n];
        f[0] = (byte) (0x80 | opcode); // FIN: one frame per message
        int at;
        if (n < 126) {
            f[1] = (byte) (0x80 | n);
            at = 2;
        } else if (n < 65_536) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
            at = 4;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            at = 10;
        }
        System.arraycopy(c.mask, 0, f, at, 4);
        at += 4;
        for (int i = 0; i < n; i++) f[at + i] = (byte) (payload[i] ^ c.mask[i & 3]);
        return f;
    }

    /** The index just past the upgrade answer's blank line in {@code in} (write mode), or -1. */
    private static int headerEnd(ByteBuffer in) {
        byte[] a = in.array();
        for (int i = 3; i < in.position(); i++) {
            if (a[i - 3] == '\r' && a[i - 2] == '\n' && a[i - 1] == '\r' && a[i] == '\n') return i + 1;
        }
        return -1;
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    @Override
    public void close() throws IOException {
        open = false;
        selector.wakeup();
        for (Conn c : conns) c.ch.close();
        selector.close();
    }
}
