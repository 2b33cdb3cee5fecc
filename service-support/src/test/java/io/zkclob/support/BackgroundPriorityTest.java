package io.zkclob.support;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundPriorityTest {
    /** The nice value of the calling thread: field 19 of /proc/thread-self/stat (after the parenthesized name). */
    static int niceOfThisThread() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]); // fields from the state on: state is field 3, nice field 19
    }

    @Test
    void aBackgroundThreadRunsAtTheConfiguredNiceValueAndOthersKeepTheirs() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")) && Files.isExecutable(Path.of("/usr/bin/renice")), "Linux with renice");
        int before = niceOfThisThread();
        assumeTrue(before < BackgroundPriority.nice(), "this test already runs at or past the background nice value");
        CompletableFuture<Integer> seen = new CompletableFuture<>();
        Thread t = BackgroundPriority.threads("bg-test").newThread(() -> {
            try {
                seen.complete(niceOfThisThread());
            } catch (Exception e) {
                seen.completeExceptionally(e);
            }
        });
        assertEquals("bg-test-1", t.getName());
        t.start();
        assertEquals(BackgroundPriority.nice(), seen.get(10, TimeUnit.SECONDS));
        assertEquals(before, niceOfThisThread(), "only the background thread is reniced, not its creator");
    }

    @Test
    void theNiceValueIsClampedAndZeroTurnsItOff() throws Exception {
        String old = System.getProperty(BackgroundPriority.PROPERTY);
        try {
            System.setProperty(BackgroundPriority.PROPERTY, "99");
            assertEquals(19, BackgroundPriority.nice());
            System.setProperty(BackgroundPriority.PROPERTY, "0");
            assertEquals(0, BackgroundPriority.nice());
            assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "Linux");
            CompletableFuture<Integer> seen = new CompletableFuture<>();
            int before = niceOfThisThread();
            Thread t = BackgroundPriority.threads("fg-test").newThread(() -> {
                try {
                    seen.complete(niceOfThisThread());
                } catch (Exception e) {
                    seen.completeExceptionally(e);
                }
            });
            t.start();
            assertEquals(before, seen.get(10, TimeUnit.SECONDS));
        } finally {
            if (old == null) System.clearProperty(BackgroundPriority.PROPERTY);
            else System.setProperty(BackgroundPriority.PROPERTY, old);
        }
    }
}
