package io.zkclob.engine;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import java.util.List;

/**
 * A block's command and event commitments (docs/engine-spec.md §4): SHA-256 over the concatenated canonical
 * encodings, in log order. One pass over the bytes (about one SHA-256 compression per 64 bytes), where the
 * RFC 6962 trees of v1 hashed every item and every inner node on their own: the guest pays for each hash.
 * A single trade is shown to be in a block by the block's event list, not by a Merkle path.
 */
public final class BlockDigest {
    private BlockDigest() {}

    /**
     * Items are commands or events (records), or their encodings after a snapshot restore. {@code scratch} is
     * reused from block to block.
     */
    static byte[] of(List<Object> items, Enc scratch) {
        scratch.clear();
        for (Object o : items) {
            switch (o) {
                case byte[] b -> scratch.bytes(b);
                case Command c -> Codec.write(scratch, c);
                case Event e -> Codec.write(scratch, e);
                default -> throw new IllegalArgumentException("not a command or event: " + o);
            }
        }
        return scratch.sha256();
    }
}
