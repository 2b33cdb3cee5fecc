package io.zkclob.matching;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Block boundaries (time and size), snapshot cadence, and the transactional id that fences old matchers. */
@ConfigurationProperties("matcher")
record MatcherProperties(long sealIntervalMs, int sealEveryCommands, long snapshotEveryCommands, String transactionalId) {}
