package io.zkclob.prover;

import org.springframework.boot.context.properties.ConfigurationProperties;

@ConfigurationProperties("prover")
record ProverProperties(String cli, String elf, String workDir, int blocksPerRange, int maxCommandsPerRange, long maxRangeMs,
                        boolean executeEnabled, boolean proveEnabled, String mode, int maxPendingProofs) {}
