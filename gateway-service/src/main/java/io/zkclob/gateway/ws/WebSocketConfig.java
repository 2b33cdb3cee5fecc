package io.zkclob.gateway.ws;

import io.zkclob.gateway.OrderEntry;
import io.zkclob.gateway.RateLimits;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.servlet.ServletContext;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.tomcat.websocket.server.Constants;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The WebSocket stack: the servlet container's own (Tomcat's JSR 356 implementation, already on the classpath
 * with Spring MVC), one endpoint registered programmatically. spring-websocket would add a handler layer over
 * the same Tomcat container and one more dependency; the Jakarta API is enough for one endpoint, and it shares
 * the HTTP port, the connector's threads and the same JVM as the REST API (docs/benchmarks.md has the figures).
 */
@Configuration(proxyBeanMethods = false)
class WebSocketConfig {
    static final String PATH = "/api/v1/ws";

    /**
     * Registers the endpoint once every bean exists. The container itself is created at the web server's start
     * by the one listener {@code BinanceConfig.binanceWebSocketContainer} adds (the Binance streams share it).
     */
    @Bean
    SmartInitializingSingleton orderEntryEndpoint(ServletContext servletContext, OrderEntry entry, WsSessions sessions,
                                                  RateLimits limits) {
        return () -> {
            ServerContainer container = (ServerContainer) servletContext.getAttribute(Constants.SERVER_CONTAINER_SERVLET_CONTEXT_ATTRIBUTE);
            if (container == null) throw new IllegalStateException("no WebSocket container in the servlet context");
            OrderEntryEndpoint endpoint = new OrderEntryEndpoint(entry, sessions, limits);
            ServerEndpointConfig config = ServerEndpointConfig.Builder.create(OrderEntryEndpoint.class, PATH)
                    .configurator(new ServerEndpointConfig.Configurator() {
                        @Override
                        public <T> T getEndpointInstance(Class<T> type) {
                            return type.cast(endpoint);
                        }

                        /** The connection's own copy of the config (Tomcat makes one per handshake) learns its address. */
                        @Override
                        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
                            String address = RateLimits.handshakeAddress();
                            if (address != null) sec.getUserProperties().put(RateLimits.WS_ADDRESS_PROPERTY, address);
                        }
                    }).build();
            // A stalled reader's socket write gives up after this (the connection is then aborted, WsConnection).
            config.getUserProperties().put("org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT", 10_000L);
            try {
                container.addEndpoint(config);
            } catch (DeploymentException e) {
                throw new IllegalStateException("cannot register " + PATH, e);
            }
        };
    }
}
