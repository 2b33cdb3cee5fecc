package io.zkclob.contracts;

/** Kafka topics (docs/topics.md has keys, partitions, schemas and examples). */
public final class Topics {
    /** The sequenced command log: exactly one partition; a record's offset is the command's seq. */
    public static final String COMMANDS = "exchange.commands";
    /** Every engine event in order: one partition, key "seq:index", written transactionally by the matcher. */
    public static final String EVENTS = "exchange.events";
    /** Public trades for outside consumers, keyed by market id. */
    public static final String TRADES = "exchange.trades";
    public static final int TRADES_PARTITIONS = 3;
    /** Sealed, hash-chained block headers, key = height. */
    public static final String BLOCKS = "exchange.blocks";
    /** Verified SP1 proofs of block ranges (metadata; the proof file downloads from prover-service). */
    public static final String PROOFS = "exchange.proofs";
    /**
     * A dead-letter topic is its log's name with this suffix ({@code exchange.events.DLT}): one partition, kept
     * forever; the records a follower could not read, parked with the reason in their headers.
     */
    public static final String DEAD_LETTER_SUFFIX = ".DLT";

    private Topics() {}
}
