package io.zkclob.gateway;

import io.zkclob.contracts.json.MessageJson;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * {@code POST /api/v1/orders} without Spring MVC's request handling, for its CPU: the order is placed by the very
 * code the endpoint runs ({@link TradingApi#placeOrder}), and its answer is written here, once its append (or
 * verdict) completes, on the one asynchronous dispatch the container needs to write from one of its threads. On
 * Spring MVC each order took two passes through the DispatcherServlet (handler lookup, argument resolution, the
 * CompletableFuture's async machinery, then content negotiation and the message converter on the second), about a
 * third of the request threads' CPU at 2,000 orders/s (docs/benchmarks.md, session 12).
 *
 * <p>Only the answer that succeeds is written here. A refusal, synchronous (signature, checks, funds, rate limit)
 * or asynchronous (the log did not acknowledge, the request timed out), is handed to {@link TradingApi#place}
 * through {@link #REFUSAL}, which throws it: Spring MVC answers it exactly as it answers every other endpoint's
 * refusals (status, code, detail, headers such as Retry-After). A request this filter cannot answer just as the
 * endpoint would (another method or path, an Accept that excludes JSON) goes to the endpoint itself.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2) // after the address's rate limit and the body limit: a flood is neither read nor verified
class PlaceOrderFilter extends OncePerRequestFilter {
    static final String PATH = "/api/v1/orders";
    /** The refusal (a RuntimeException) that {@link TradingApi#place} throws on the dispatch that answers it. */
    static final String REFUSAL = PlaceOrderFilter.class.getName() + ".refusal";
    /** The answer (a ResponseEntity) written on the asynchronous dispatch. */
    static final String ANSWER = PlaceOrderFilter.class.getName() + ".answer";
    private final TradingApi api;

    PlaceOrderFilter(TradingApi api) {
        this.api = api;
    }

    /** Its own asynchronous dispatches pass here: the answer is written by this filter, not by a handler. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest req) {
        if (req.getDispatcherType() == DispatcherType.ASYNC) return req.getAttribute(ANSWER) == null;
        return !("POST".equals(req.getMethod()) && PATH.equals(req.getRequestURI()) && acceptsJson(req.getHeader("Accept")));
    }

    /** Whether Spring MVC would answer the order's JSON to this Accept (else it answers 406, so it is left to it). */
    static boolean acceptsJson(String accept) {
        return accept == null || accept.isBlank() || accept.contains("*/*") || accept.contains("application/json")
                || accept.contains("application/*");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        if (req.getDispatcherType() == DispatcherType.ASYNC) {
            write(res, (ResponseEntity<?>) req.getAttribute(ANSWER));
            return;
        }
        // The metrics' uri tag, as the handler mapping would have set it.
        ServerHttpObservationFilter.findObservationContext(req).ifPresent(c -> c.setPathPattern(PATH));
        CompletableFuture<? extends ResponseEntity<?>> answer;
        try {
            byte[] body = req.getInputStream().readAllBytes(); // already in memory, at most BodyLimit.MAX_BYTES
            answer = api.placeOrder(body.length == 0 ? null : body, req); // empty as Spring MVC passes it: null
        } catch (RuntimeException refused) {
            refuse(req, res, chain, refused);
            return;
        }
        if (answer.isDone()) { // answered at once (a log that acknowledges synchronously, as in tests)
            ResponseEntity<?> now;
            try {
                now = answer.join();
            } catch (RuntimeException error) {
                refuse(req, res, chain, CommandLog.cause(error));
                return;
            }
            write(res, now);
            return;
        }
        AsyncContext async = req.startAsync(req, res); // as Spring MVC starts it: its dispatch passes the same request on
        AtomicBoolean answered = new AtomicBoolean(); // by the append's callback, the timeout or the client's going away
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                // Spring MVC's answer to a timed-out asynchronous request (ProblemHandler: 503 UNAVAILABLE).
                if (answered.compareAndSet(false, true)) dispatch(req, async, REFUSAL, new AsyncRequestTimeoutException());
            }

            @Override
            public void onError(AsyncEvent event) {
                answered.set(true);
            }

            @Override
            public void onComplete(AsyncEvent event) {
                answered.set(true);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {}
        });
        answer.whenComplete((ok, error) -> {
            if (!answered.compareAndSet(false, true)) return;
            if (error == null) dispatch(req, async, ANSWER, ok);
            else dispatch(req, async, REFUSAL, CommandLog.cause(error));
        });
    }

    /** Back to the container, on one of its threads: the answer is written there (blocking writes stay off this thread). */
    private static void dispatch(HttpServletRequest req, AsyncContext async, String attribute, Object outcome) {
        req.setAttribute(attribute, outcome);
        try {
            async.dispatch();
        } catch (IllegalStateException gone) {
            // completed meanwhile (the client went away): nothing can be answered
        }
    }

    private static void refuse(HttpServletRequest req, HttpServletResponse res, FilterChain chain, RuntimeException refused)
            throws ServletException, IOException {
        req.setAttribute(REFUSAL, refused);
        chain.doFilter(req, res);
    }

    /** What Spring MVC's JSON converter writes for the endpoint's answer: its status, application/json, the record. */
    static void write(HttpServletResponse res, ResponseEntity<?> answer) throws IOException {
        byte[] json = MessageJson.MAPPER.writeValueAsBytes(answer.getBody());
        res.setStatus(answer.getStatusCode().value());
        res.setContentType("application/json");
        res.setContentLength(json.length);
        res.getOutputStream().write(json);
    }
}
