package io.zkclob.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * A WebSocket client (RFC 6455) for the load generator: text messages out, text messages in, pings answered. The
 * JDK's {@code java.net.http.WebSocket} took about 40 µs of the generator's CPU per order at 4,000/s (its selector
 * thread, a completion stage per send, a scheduler hop per received message): here a send is one frame built in
 * the caller's thread and one socket write, and each connection's messages are read by one virtual thread.
 *
 * <p>Only what the generator needs: no extensions, no subprotocol, messages up to {@link #MAX_MESSAGE_BYTES}.
 * Frames from the client are masked, as the protocol requires (one random key per connection: the mask guards
 * proxies that cache, not the generator's secrets).
 */
final class LeanWebSocket implements AutoCloseable {
    static final int MAX_MESSAGE_BYTES = 1 << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final OutputStream out;
    private final byte[] mask = new byte[4];
    private byte[] frame = new byte[1024];

    private LeanWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        RANDOM.nextBytes(mask);
    }

    /**
     * Opens {@code ws://host:port/path}, upgrades, and starts a virtual thread that hands every text message to
     * {@code onText} (in arrival order) until the connection closes.
     */
    static LeanWebSocket open(String host, int port, String path, Consumer<String> onText) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 10_000);
        s.setSoTimeout(10_000); // the upgrade's answer only; reads block without limit afterwards
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
        String status = readHeaders(in);
        if (!status.startsWith("HTTP/1.1 101")) {
            s.close();
            throw new IOException("websocket upgrade refused: " + status);
        }
        s.setSoTimeout(0);
        LeanWebSocket ws = new LeanWebSocket(s);
        Thread.ofVirtual().name("ws-reader").start(() -> ws.read(in, onText));
        return ws;
    }

    /** The response's status line; the rest of the headers are read and dropped (at most 64 KiB). */
    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder headers = new StringBuilder();
        while (headers.length() < 64 * 1024) {
            int b = in.read();
            if (b < 0) throw new IOException("connection closed during the websocket upgrade");
            headers.append((char) b);
            int n = headers.length();
            if (n >= 4 && headers.charAt(n - 4) == '\r' && headers.charAt(n - 3) == '\n' && headers.charAt(n - 2) == '\r'
                    && headers.charAt(n - 1) == '\n') {
                return headers.substring(0, headers.indexOf("\r\n"));
            }
        }
        throw new IOException("websocket upgrade answer longer than 64 KiB");
    }

    /** Sends one text message (callers may share a connection: one frame at a time). */
    void sendText(String text) throws IOException {
        send(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    private synchronized void send(int opcode, byte[] payload) throws IOException {
        int n = payload.length;
        int header = n < 126 ? 6 : n < 65_536 ? 8 : 14;
        if (frame.length < header + n) frame = new byte[Math.max(header + n, frame.length * 2)];
        frame[0] = (byte) (0x80 | opcode); // FIN: one frame per message
        int at;
        if (n < 126) {
            frame[1] = (byte) (0x80 | n);
            at = 2;
        } else if (n < 65_536) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (n >>> 8);
            frame[3] = (byte) n;
            at = 4;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) frame[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            at = 10;
        }
        System.arraycopy(mask, 0, frame, at, 4);
        at += 4;
        for (int i = 0; i < n; i++) frame[at + i] = (byte) (payload[i] ^ mask[i & 3]);
        out.write(frame, 0, at + n);
    }

    private void read(InputStream in, Consumer<String> onText) {
        byte[] message = new byte[4096];
        int length = 0;
        try {
            while (true) {
                int b0 = in.read();
                int b1 = in.read();
                if (b0 < 0 || b1 < 0) return;
                long n = b1 & 0x7f;
                if (n == 126) n = (readByte(in) << 8) | readByte(in);
                else if (n == 127) {
                    n = 0;
                    for (int i = 0; i < 8; i++) n = (n << 8) | readByte(in);
                }
                if ((b1 & 0x80) != 0) in.skipNBytes(4); // servers do not mask; tolerated anyway
                if (length + n > MAX_MESSAGE_BYTES) throw new IOException("message longer than " + MAX_MESSAGE_BYTES + " bytes");
                int opcode = b0 & 0x0f;
                if (opcode >= 0x8) { // control frames: at most 125 bytes, never fragmented
                    byte[] payload = in.readNBytes((int) n);
                    if (opcode == 0x8) return;
                    if (opcode == 0x9) send(0xA, payload); // ping: pong with its payload
                    continue;
                }
                if (message.length < length + n) message = java.util.Arrays.copyOf(message, Math.max((int) (length + n), message.length * 2));
                if (in.readNBytes(message, length, (int) n) < n) return; // closed inside a frame
                length += (int) n;
                if ((b0 & 0x80) != 0) { // FIN: the message is complete (text or its continuation frames)
                    onText.accept(new String(message, 0, length, StandardCharsets.UTF_8));
                    length = 0;
                }
            }
        } catch (IOException e) {
            if (!socket.isClosed()) System.out.println("websocket read failed: " + e);
        }
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) throw new IOException("connection closed inside a frame header");
        return b;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
