package io.zkclob.prover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** GET /proofs/vkey (issue 11, found by the fuzzer): one SP1 setup however many requests ask, none waits unbounded. */
class VerifyingKeyTest {
    @Test
    void concurrentRequestsShareOneComputationAndNoneWaitsPastItsBound() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        VerifyingKey key = new VerifyingKey(() -> {
            runs.incrementAndGet();
            release.await();
            return "0xabc";
        }, Executors.newVirtualThreadPerTaskExecutor());
        for (int i = 0; i < 20; i++) assertThrows(TimeoutException.class, () -> key.await(1), "answered (retry later), not held");
        release.countDown();
        assertEquals("0xabc", key.await(60_000));
        assertEquals("0xabc", key.await(0));
        assertEquals(1, runs.get(), "one computation for every request");
    }

    @Test
    void aFailedComputationIsRetriedByTheNextRequest() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        VerifyingKey key = new VerifyingKey(() -> {
            if (runs.incrementAndGet() == 1) throw new IllegalStateException("sp1 setup failed");
            return "0xdef";
        }, Runnable::run);
        assertThrows(ExecutionException.class, () -> key.await(1_000));
        assertEquals("0xdef", key.await(1_000));
        assertEquals(2, runs.get());
    }
}
