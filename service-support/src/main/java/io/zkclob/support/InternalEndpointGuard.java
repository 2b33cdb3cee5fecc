package io.zkclob.support;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every request under {@code /internal/} must carry the {@link ServiceToken}; without it, or with another value,
 * it is answered {@code 401} problem+json with code {@value #CODE}, before any handler runs (so an unknown internal
 * path is 401 too, and says nothing about which paths exist). Imported by every service with internal endpoints.
 *
 * <p>The servlet container matches {@code /internal/*} on the decoded, normalized path ({@code //internal},
 * {@code /%69nternal}, {@code /internal;x=1} included), the same path Spring MVC routes on.
 */
@Configuration(proxyBeanMethods = false)
public class InternalEndpointGuard {
    public static final String CODE = "SERVICE_TOKEN_INVALID";
    static final String BODY = "{\"type\":\"https://zkclob.io/errors/service-token-invalid\",\"title\":\"" + CODE + "\",\"status\":401,"
            + "\"detail\":\"internal endpoints require the service token in the " + ServiceToken.HEADER + " header\",\"code\":\"" + CODE + "\"}";

    @Bean
    ServiceToken serviceToken(Environment env) {
        return ServiceToken.from(env);
    }

    @Bean
    FilterRegistrationBean<Filter> internalEndpointFilter(ServiceToken token) {
        FilterRegistrationBean<Filter> r = new FilterRegistrationBean<>(new Filter(token));
        r.addUrlPatterns("/internal/*");
        r.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return r;
    }

    /** The check itself (package-visible for tests without a container). */
    static final class Filter extends OncePerRequestFilter {
        private final ServiceToken token;

        Filter(ServiceToken token) {
            this.token = token;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (token.matches(request.getHeader(ServiceToken.HEADER))) {
                chain.doFilter(request, response);
                return;
            }
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setContentType("application/problem+json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
