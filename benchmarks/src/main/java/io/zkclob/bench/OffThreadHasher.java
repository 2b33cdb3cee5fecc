package io.zkclob.bench;

import io.zkclob.engine.BlockHasher;
import io.zkclob.engine.Sha256;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Hashes a block's commitments on a thread of its own while the block fills: the engine hands each commitment's
 * bytes over {@code chunkBytes} at a time (256 KiB by default), this thread feeds them to the commitment's SHA-256,
 * and the seal waits for the chunks still queued, then hashes the last bytes itself. SHA-256 is a stream, so the
 * roots are the inline hasher's, bit for bit ({@code OffThreadHasherTest}).
 *
 * <p>One thread for all the streams of the exchanges that share it; a stream's chunks run in the order given. It
 * pays for blocks of megabytes (the engine benchmark's 16 MB, docs/benchmarks.md); a block of the fleet's size
 * (12 KB) never fills a chunk, so it would only wait.
 */
public final class OffThreadHasher implements BlockHasher, AutoCloseable {
    public static final int DEFAULT_CHUNK_BYTES = 256 * 1024;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "block-hasher");
        t.setDaemon(true);
        return t;
    });
    private final int chunkBytes;

    public OffThreadHasher(int chunkBytes) {
        if (chunkBytes <= 0) throw new IllegalArgumentException("chunkBytes " + chunkBytes);
        this.chunkBytes = chunkBytes;
    }

    public OffThreadHasher() {
        this(DEFAULT_CHUNK_BYTES);
    }

    @Override
    public int chunkBytes() {
        return chunkBytes;
    }

    @Override
    public Stream stream() {
        return new Stream() {
            /** Touched by the hasher thread while chunks are queued, by the caller only after {@link #join}. */
            private final MessageDigest md = Sha256.newDigest();
            /** The last chunk queued (the executor runs them in order): the seal waits for it. */
            private Future<?> last;

            @Override
            public void update(byte[] bytes, int from, int length) {
                last = thread.submit(() -> md.update(bytes, from, length));
            }

            @Override
            public byte[] digest(byte[] bytes, int from, int length) {
                join();
                md.update(bytes, from, length);
                return md.digest();
            }

            /** Waits for the queued chunks; Future.get orders their writes to {@code md} before this thread's reads. */
            private void join() {
                if (last == null) return;
                try {
                    last.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while a block's commitment was being hashed", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("hashing a block's commitment failed", e.getCause());
                }
                last = null;
            }
        };
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
