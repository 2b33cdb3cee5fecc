package io.zkclob.engine;

/**
 * Where a block's two commitments are hashed (docs/engine-spec.md §4: SHA-256 over the block's encodings). A
 * SHA-256 stream gives the same digest however its input is cut, so a host may hash a block's bytes while the
 * block fills, on a thread of its own: the engine owns no thread (it is a pure state machine), it only hands
 * each commitment's bytes to a {@link Stream} in order, {@link #chunkBytes()} or more at a time, and asks for
 * the digest at the seal.
 *
 * <p>{@link #INLINE}, the default, hashes a block's bytes on the calling thread at the seal, in one call. The
 * engine benchmark gives an off-thread one (benchmarks' {@code OffThreadHasher}, docs/benchmarks.md); at the
 * fleet's blocks (about 100 commands, 12 KB) there is nothing to overlap, so the services keep the default.
 */
public interface BlockHasher {
    /** A new stream for one commitment; the engine opens two (commands, events) and reuses them block after block. */
    Stream stream();

    /** How many unhashed bytes a commitment collects before it hands them to its stream (the seal hands the rest). */
    int chunkBytes();

    /** One commitment's SHA-256, fed in order. */
    interface Stream {
        /**
         * The next {@code length} bytes of the commitment. The engine leaves {@code bytes[from, from + length)}
         * unchanged until {@link #digest} returns, so a stream may read them later, on another thread.
         */
        void update(byte[] bytes, int from, int length);

        /** The SHA-256 of everything fed since the last digest, followed by these last bytes; starts afresh. */
        byte[] digest(byte[] bytes, int from, int length);
    }

    /** Today's behaviour: the whole block hashed on the calling thread at the seal (JDK SHA-256, SHA-NI where present). */
    BlockHasher INLINE = inline(Integer.MAX_VALUE);

    /** On the calling thread, {@code chunkBytes} at a time as the block fills (tests cut the stream with it). */
    static BlockHasher inline(int chunkBytes) {
        if (chunkBytes <= 0) throw new IllegalArgumentException("chunkBytes " + chunkBytes);
        return new BlockHasher() {
            @Override
            public Stream stream() {
                var md = Sha256.newDigest();
                return new Stream() {
                    @Override
                    public void update(byte[] bytes, int from, int length) {
                        md.update(bytes, from, length);
                    }

                    @Override
                    public byte[] digest(byte[] bytes, int from, int length) {
                        md.update(bytes, from, length);
                        return md.digest();
                    }
                };
            }

            @Override
            public int chunkBytes() {
                return chunkBytes;
            }
        };
    }
}
