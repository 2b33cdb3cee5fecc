package io.zkclob.engine;

import io.zkclob.contracts.Event.BlockSealed;
import java.util.HexFormat;

/**
 * The hash that chains blocks (docs/engine-spec.md §4): SHA-256 of height, firstSeq, lastSeq, timestampMs
 * (u64 each), the state, commands and events roots, and the previous block's hash (32 zero bytes before
 * block 1). A pure function of the command log, so a replay rebuilds the same chain.
 */
public final class BlockHash {
    public static final String GENESIS = Sha256.hex(Sha256.ZERO);

    private BlockHash() {}

    public static String of(BlockSealed b, String prevHashHex) {
        HexFormat hex = HexFormat.of();
        return Sha256.hex(new Enc(200).u8(0x18).u64(b.height()).u64(b.firstSeq()).u64(b.lastSeq()).u64(b.timestampMs())
                .bytes(hex.parseHex(b.stateRoot())).bytes(hex.parseHex(b.commandsRoot())).bytes(hex.parseHex(b.eventsRoot()))
                .bytes(hex.parseHex(prevHashHex)).sha256());
    }
}
