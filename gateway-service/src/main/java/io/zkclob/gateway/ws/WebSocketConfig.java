package io.zkclob.gateway.ws;

import io.zkclob.gateway.OrderEntry;
import io.zkclob.gateway.RateLimits;
import io.zkclob.gateway.RestOrderEntry;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.servlet.ServletContext;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.tomcat.websocket.server.Constants;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Order entry over WebSocket ({@link OrderEntryProtocol}), served twice: on its own port by an event loop of ours
 * ({@link NettyOrderEntryServer}, {@code gateway.ws.port}; what clients that place many orders should use), and
 * on the HTTP port by the servlet container's own JSR 356 implementation (Tomcat's, already on the classpath with
 * Spring MVC; one endpoint registered programmatically, kept for clients that know the gateway by one port).
 * spring-websocket would add a handler layer over the same Tomcat container; the Jakarta API is enough for one
 * endpoint. docs/benchmarks.md (WebSocket order entry, session 10) says why the second transport.
 */
@Configuration(proxyBeanMethods = false)
class WebSocketConfig {
    static final String PATH = "/api/v1/ws";

    @Bean
    OrderEntryProtocol orderEntryProtocol(OrderEntry entry, WsSessions sessions, RateLimits limits) {
        return new OrderEntryProtocol(entry, sessions, limits);
    }

    /**
     * {@code gateway.ws.port}: 8081 by default (the HTTP port is 8080; -1 turns it off, 0 takes a free port);
     * {@code gateway.ws.address}: every interface unless set; {@code gateway.ws.event-loop-threads}: 1.
     */
    @Bean
    NettyOrderEntryServer nettyOrderEntryServer(OrderEntryProtocol protocol, RestOrderEntry rest, RateLimits limits,
                                                @Value("${gateway.ws.address:}") String address,
                                                @Value("${gateway.ws.port:8081}") int port,
                                                @Value("${gateway.ws.event-loop-threads:1}") int threads,
                                                @Value("${gateway.ws.max-connections:10000}") int maxConnections) {
        return new NettyOrderEntryServer(protocol, rest, limits, address, port, threads, maxConnections);
    }

    /**
     * Registers the endpoint once every bean exists. The container itself is created at the web server's start
     * by the one listener {@code BinanceConfig.binanceWebSocketContainer} adds (the Binance streams share it).
     */
    @Bean
    SmartInitializingSingleton orderEntryEndpoint(ServletContext servletContext, OrderEntryProtocol protocol) {
        return () -> {
            ServerContainer container = (ServerContainer) servletContext.getAttribute(Constants.SERVER_CONTAINER_SERVLET_CONTEXT_ATTRIBUTE);
            if (container == null) throw new IllegalStateException("no WebSocket container in the servlet context");
            OrderEntryEndpoint endpoint = new OrderEntryEndpoint(protocol);
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
