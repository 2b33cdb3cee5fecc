package io.zkclob.prover;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The guest's verifying key, computed by the prover CLI (an SP1 setup: tens of seconds of every core) at most once at
 * a time and then kept. The fuzzer found the endpoint computing it inside the request, once per concurrent request
 * and for longer than a client waits: each unauthenticated {@code GET /api/v1/proofs/vkey} started another SP1 setup.
 * Now a request waits a bounded time for the one computation; a failed computation is retried by the next request.
 */
final class VerifyingKey {
    private final Callable<String> compute;
    private final Executor executor;
    private final AtomicReference<CompletableFuture<String>> job = new AtomicReference<>();

    VerifyingKey(Callable<String> compute, Executor executor) {
        this.compute = compute;
        this.executor = executor;
    }

    /** The key, waiting at most {@code waitMs} for the computation (started now if none runs or has succeeded). */
    String await(long waitMs) throws TimeoutException, ExecutionException, InterruptedException {
        CompletableFuture<String> current = job.get();
        if (current == null || current.isCompletedExceptionally()) {
            CompletableFuture<String> mine = new CompletableFuture<>();
            if (job.compareAndSet(current, mine)) {
                executor.execute(() -> {
                    try {
                        mine.complete(compute.call());
                    } catch (Throwable e) {
                        mine.completeExceptionally(e);
                    }
                });
                current = mine;
            } else {
                current = job.get(); // another request started it first
            }
        }
        return current.get(waitMs, TimeUnit.MILLISECONDS);
    }
}
