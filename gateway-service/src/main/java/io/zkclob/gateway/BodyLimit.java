package io.zkclob.gateway;

import io.zkclob.contracts.json.MessageJson;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every request body is read here first, at most {@link #MAX_BYTES} of it: a larger one (declared or chunked) is
 * answered 413 PAYLOAD_TOO_LARGE before any handler, so no endpoint ever buffers or parses megabytes. Our largest
 * legitimate body (an AddMarket command) is well under 1 KiB.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1) // right after the address's rate limit (RateLimitFilter): a flood is not read
class BodyLimit extends OncePerRequestFilter {
    static final int MAX_BYTES = 64 * 1024;

    /** The problem details body of a refusal written outside Spring MVC (RFC 9457 fields and our code). */
    record Problem(String type, String title, int status, String detail, String code) {
        static Problem of(int status, String code, String detail) {
            return new Problem("https://zkclob.io/errors/" + code.toLowerCase().replace('_', '-'), code, status, detail, code);
        }
    }

    static void write(HttpServletResponse response, Problem p) throws IOException {
        response.resetBuffer();
        response.setStatus(p.status());
        response.setContentType("application/problem+json");
        response.getOutputStream().write(MessageJson.write(p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        response.flushBuffer();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > MAX_BYTES) {
            tooLarge(response);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BYTES + 1);
        if (body.length > MAX_BYTES) {
            tooLarge(response);
            return;
        }
        if (body.length > 0 && request.getRequestURI().startsWith("/api/v1/") && !json(request.getContentType())) {
            write(response, Problem.of(415, "UNSUPPORTED_MEDIA_TYPE", "bodies are JSON: send Content-Type: application/json (UTF-8)"));
            return;
        }
        chain.doFilter(new Buffered(request, body), response);
    }

    /**
     * Whether a body under /api/v1 is declared as JSON in UTF-8 (no charset, or utf-8). The endpoints read the bytes
     * themselves, so without this a body sent as text/plain, XML, multipart or UTF-16 JSON was taken as JSON: the
     * fuzzer placed orders that way (issue 11, API fuzzing). /api/v3 takes Binance's form bodies and checks its own.
     */
    static boolean json(String contentType) {
        if (contentType == null) return false;
        String[] parts = contentType.split(";", -1); // -1: ";;;" is four empty parts, not none
        if (!parts[0].trim().equalsIgnoreCase("application/json")) return false;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(java.util.Locale.ROOT);
            if (p.startsWith("charset=") && !p.equals("charset=utf-8") && !p.equals("charset=\"utf-8\"")) return false;
        }
        return true;
    }

    private static void tooLarge(HttpServletResponse response) throws IOException {
        // The rest of the body is not read; the connection closes rather than draining it.
        response.setHeader("Connection", "close");
        write(response, Problem.of(413, "PAYLOAD_TOO_LARGE", "request bodies are limited to " + MAX_BYTES + " bytes"));
    }

    /** The request with its body already in memory, readable once by the handler's converter. */
    private static final class Buffered extends HttpServletRequestWrapper {
        private final byte[] body;

        Buffered(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
