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

    /** Items are records or (after a snapshot restore) their encodings. {@code scratch} is reused. */
    static byte[] commands(List<Object> items, Enc scratch) {
        scratch.clear();
        for (Object o : items) {
            if (o instanceof byte[] b) scratch.bytes(b);
            else Codec.write(scratch, (Command) o);
        }
        return scratch.sha256();
    }

    static byte[] events(List<Object> items, Enc scratch) {
        scratch.clear();
        for (Object o : items) {
            if (o instanceof byte[] b) scratch.bytes(b);
            else Codec.write(scratch, (Event) o);
        }
        return scratch.sha256();
    }

    /** The commitment of encodings already concatenated (block-service and verifiers recompute it this way). */
    public static byte[] of(List<byte[]> encodings) {
        var md = Sha256.digest();
        for (byte[] e : encodings) md.update(e);
        return md.digest();
    }
}
