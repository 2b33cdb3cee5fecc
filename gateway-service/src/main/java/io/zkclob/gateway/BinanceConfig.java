package io.zkclob.gateway;

import io.zkclob.support.EventFeed;
import jakarta.servlet.ServletContext;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.tomcat.websocket.server.Constants;
import org.apache.tomcat.websocket.server.WsContextListener;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The Binance-compatible API's read side: the trade tape (its own follower of the event log, resumed from
 * PostgreSQL) and the market-data WebSocket streams on the servlet container's own JSR 356 implementation.
 */
@Configuration(proxyBeanMethods = false)
class BinanceConfig {
    @Bean
    TradeTape tradeTape(JdbcClient jdbc, TransactionTemplate tx) {
        return new TradeTape(jdbc, tx);
    }

    @Bean
    EventFeed tradeTapeFeed(@Value("${spring.kafka.bootstrap-servers}") String bootstrap, TradeTape tape) {
        return new EventFeed(bootstrap, "gateway-trade-tape", tape);
    }

    @Bean
    BinanceStreams binanceStreams(BinanceMarkets markets, TradeTape tape, MarketStream stream) {
        BinanceStreams streams = new BinanceStreams(markets, tape);
        stream.addDepthListener(streams);
        return streams;
    }

    /**
     * Tomcat creates its WebSocket container at start (what Spring Boot's websocket auto-configuration would do);
     * the listener does nothing where another part of the gateway has already created it.
     */
    @Bean
    static WebServerFactoryCustomizer<TomcatServletWebServerFactory> binanceWebSocketContainer() {
        return factory -> factory.addContextCustomizers(context -> context.addApplicationListener(WsContextListener.class.getName()));
    }

    /** /ws, /ws/{streams} (raw) and /stream (combined), registered once every bean exists. */
    @Bean
    SmartInitializingSingleton binanceStreamEndpoints(ServletContext servletContext, BinanceStreams streams) {
        return () -> {
            ServerContainer container = (ServerContainer) servletContext.getAttribute(Constants.SERVER_CONTAINER_SERVLET_CONTEXT_ATTRIBUTE);
            if (container == null) throw new IllegalStateException("no WebSocket container in the servlet context");
            try {
                container.addEndpoint(config("/ws", streams, false));
                container.addEndpoint(config("/ws/{streams}", streams, false));
                container.addEndpoint(config("/stream", streams, true));
            } catch (DeploymentException e) {
                throw new IllegalStateException("cannot register the Binance streams", e);
            }
        };
    }

    private static ServerEndpointConfig config(String path, BinanceStreams streams, boolean combined) {
        return ServerEndpointConfig.Builder.create(BinanceStreams.Connection.class, path).configurator(new ServerEndpointConfig.Configurator() {
            @Override
            public <T> T getEndpointInstance(Class<T> type) {
                return type.cast(streams.connect(combined)); // one Connection per client
            }
        }).build();
    }

}
