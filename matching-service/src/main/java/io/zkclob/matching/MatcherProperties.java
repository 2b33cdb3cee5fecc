package io.zkclob.matching;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Block boundaries (time and size), snapshot cadence, and the transactional id that fences old matchers. A snapshot
 * is taken once at least {@code snapshotEveryCommands} commands and {@code snapshotIntervalMs} have passed since the
 * last: a restart replays at most that much of the log, and a busy matcher does not stop every few seconds to write
 * its whole state to PostgreSQL.
 */
@ConfigurationProperties("matcher")
record MatcherProperties(long sealIntervalMs, int sealEveryCommands, long snapshotEveryCommands, long snapshotIntervalMs,
                         String transactionalId) {}
