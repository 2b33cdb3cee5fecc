package io.zkclob.prover;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The prover's settings. {@code maxPendingProofs}: at most this many executed ranges keep their witness and wait
 * to be proven; further ranges are still executed, but marked UNPROVEN and their witness deleted.
 * {@code maxCyclesPerProof}: one proof covers the consecutive executed ranges that queued behind the last proof, up
 * to this many guest cycles together (always at least one range). {@code replicaId}: this replica's name in
 * its claims (blank: the host name); {@code claimLeaseSeconds}: how long a claim outlives its replica's last
 * renewal.
 */
@ConfigurationProperties("prover")
record ProverProperties(String cli, String elf, String workDir, int blocksPerRange, int maxCommandsPerRange, long maxRangeMs,
                        boolean executeEnabled, boolean proveEnabled, String mode, int maxPendingProofs, long maxCyclesPerProof,
                        String replicaId, int claimLeaseSeconds) {}
