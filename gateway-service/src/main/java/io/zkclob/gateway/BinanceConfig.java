package io.zkclob.gateway;

import io.zkclob.support.EventFeed;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** The read model behind /api/v3's trades, candles and ticker: its own follower of the event log, resumed from PostgreSQL. */
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
}
