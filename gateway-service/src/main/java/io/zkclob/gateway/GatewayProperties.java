package io.zkclob.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;

@ConfigurationProperties("gateway")
record GatewayProperties(String orderServiceUrl, String ledgerServiceUrl, String proverServiceUrl, String blockServiceUrl,
                         String operatorKey,
                         long signatureWindowMs) {}
