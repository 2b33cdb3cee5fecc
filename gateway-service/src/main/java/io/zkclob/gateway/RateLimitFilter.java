package io.zkclob.gateway;

import io.zkclob.contracts.json.MessageJson;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first thing every request meets: its source address's rate limit ({@link RateLimits}), before its body is
 * read or its signature checked, so that a flood costs the gateway as little as possible. A refusal is 429 with
 * {@code Retry-After}: problem details with code RATE_LIMITED, or under /api/v3 Binance's {@code {"code":-1003}}
 * (what ccxt maps to its RateLimitExceeded). The probes are exempt: a kubelet must never be throttled into
 * restarting a healthy gateway.
 *
 * <p>A WebSocket upgrade passes through here too (the container's upgrade filter comes after the application's
 * filters): the address is kept in {@link RateLimits#handshakeAddress()} for the duration of the upgrade, on this thread, so
 * that the endpoint's configurator can hand it to the connection (the WebSocket API has no remote address).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RateLimitFilter extends OncePerRequestFilter {
    private static final String BINANCE_PREFIX = "/api/v3/";
    private final RateLimits limits;

    RateLimitFilter(RateLimits limits) {
        this.limits = limits;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/actuator/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String address = request.getRemoteAddr();
        try {
            limits.address(address);
        } catch (RateLimits.Refused refused) {
            write(request, response, refused);
            return;
        }
        RateLimits.HANDSHAKE_ADDRESS.set(address);
        try {
            chain.doFilter(request, response);
        } finally {
            RateLimits.HANDSHAKE_ADDRESS.remove();
        }
    }

    /** A refusal in the format of the API the request was for, with Retry-After. */
    static void write(HttpServletRequest request, HttpServletResponse response, RateLimits.Refused refused) throws IOException {
        response.setHeader("Retry-After", Long.toString(refused.retryAfterSeconds()));
        if (request.getRequestURI().startsWith(BINANCE_PREFIX)) {
            response.resetBuffer();
            response.setStatus(429);
            response.setContentType("application/json");
            response.getOutputStream().write(MessageJson.write(BinanceErrors.rateLimited(refused.getMessage())).getBytes(StandardCharsets.UTF_8));
            response.flushBuffer();
        } else {
            BodyLimit.write(response, BodyLimit.Problem.of(429, RateLimits.CODE, refused.getMessage()));
        }
    }
}
