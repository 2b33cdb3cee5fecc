package io.zkclob.engine;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import java.util.Arrays;

/**
 * One of a block's two commitments, its commands' or its events' (docs/engine-spec.md §4): SHA-256 over the
 * concatenated canonical encodings, in log order. One pass over the bytes (about one SHA-256 compression per
 * 64 bytes), where the RFC 6962 trees of v1 hashed every item and every inner node on their own: the guest pays
 * for each hash. A single trade is shown to be in a block by the block's event list, not by a Merkle path.
 *
 * <p>Each item is encoded when the engine applies it, while the record is still in cache, into one buffer that
 * every block reuses; the seal only hashes the buffer. Encoding 100,000 records at the seal instead walked
 * them cold from memory, which cost more than the hashing (docs/benchmarks.md, Engine). Where the buffer is
 * hashed is the host's {@link BlockHasher}'s choice: by default all at once at the seal, on this thread; a
 * hasher with a thread of its own is handed every {@link BlockHasher#chunkBytes()} bytes as the block fills,
 * and the seal waits for it and hashes the rest.
 */
public final class BlockDigest {
    private final Enc bytes = new Enc(1 << 16);
    private final BlockHasher.Stream stream;
    private final int chunkBytes;
    /** How many of the block's bytes the stream has been given; they are never written again before the seal. */
    private int fed;
    /** Where each item's encoding ends in {@link #bytes}: a snapshot keeps the items one by one. */
    private int[] ends = new int[256];
    private int count;

    BlockDigest(BlockHasher hasher) {
        this.stream = hasher.stream();
        this.chunkBytes = hasher.chunkBytes();
    }

    /**
     * A command, then zero bytes to a whole 4-byte word (v7, docs/engine-spec.md §4): every command starts on a
     * word boundary of the commitment, so the guest hashes an order's sixteen words as they are.
     */
    void add(Command command) {
        Codec.write(bytes, command);
        while ((bytes.length() & 3) != 0) bytes.u8(0);
        end();
    }

    void add(Event event) {
        Codec.write(bytes, event);
        end();
    }

    /** An item restored from a snapshot, as its encoding. */
    void addEncoding(byte[] encoding) {
        bytes.bytes(encoding);
        end();
    }

    private void end() {
        if (count == ends.length) ends = Arrays.copyOf(ends, count * 2);
        ends[count++] = bytes.length();
        if (bytes.length() - fed >= chunkBytes) feed();
    }

    /** Out of line: once per chunk, not per item. */
    private void feed() {
        int length = bytes.length() - fed;
        // A later growth copies the buffer; the stream keeps reading the old array, whose bytes stay as they are.
        stream.update(bytes.array(), fed, length);
        fed += length;
    }

    int count() {
        return count;
    }

    /** The i-th item's encoding (0 <= i < count), a copy: for snapshots, not for the matching path. */
    byte[] encoding(int i) {
        return bytes.copyOfRange(i == 0 ? 0 : ends[i - 1], ends[i]);
    }

    byte[] sha256() {
        return stream.digest(bytes.array(), fed, bytes.length() - fed);
    }

    /** Forgets the block's items; the buffer stays for the next block (its size is bounded by the block's). */
    void clear() {
        bytes.clear();
        count = 0;
        fed = 0;
    }
}
