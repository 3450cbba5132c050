package io.github.lfm4j.kernels.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParallelTest {

    @Test
    void everyIndexIsVisitedExactlyOnceForManySizesAndThreadCounts() {
        for (int threads : new int[]{1, 2, 3, 5}) {
            try (Parallel p = new Parallel(threads)) {
                for (int n : new int[]{1, 2, 3, 7, 64, 1001}) {
                    for (int g : new int[]{1, 2, 4}) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(n);
                        p.forRange(n, g, (s, e) -> {
                            assertEquals(0, s % g, "chunk start must be a multiple of the granularity");
                            for (int i = s; i < e; i++) hits.incrementAndGet(i);
                        });
                        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " i=" + i + " threads=" + threads);
                    }
                }
            }
        }
    }

    @Test
    void manyConsecutiveCallsComplete() {
        try (Parallel p = new Parallel(2)) {
            long[] sum = new long[2];
            for (int k = 0; k < 20_000; k++) {
                p.forRange(2, (s, e) -> { for (int i = s; i < e; i++) sum[i]++; });
            }
            assertEquals(20_000, sum[0]);
            assertEquals(20_000, sum[1]);
        }
    }

    /** A thread held up (here: sleeping in its first chunk) does not hold up the rest: the others take its share. */
    @Test
    void aStalledThreadLeavesTheRemainingChunksToTheOthers() {
        try (Parallel p = new Parallel(2)) {
            java.util.Map<String, Integer> chunksByThread = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.atomic.AtomicBoolean stalled = new java.util.concurrent.atomic.AtomicBoolean();
            p.forRange(800, 1, (s, e) -> {
                chunksByThread.merge(Thread.currentThread().getName(), 1, Integer::sum);
                if (stalled.compareAndSet(false, true)) {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            int total = chunksByThread.values().stream().mapToInt(Integer::intValue).sum();
            assertEquals(2 * Parallel.CHUNKS_PER_THREAD, total, chunksByThread.toString());
            assertEquals(2, chunksByThread.size(), "both threads worked: " + chunksByThread);
            assertEquals(1, java.util.Collections.min(chunksByThread.values()), "the stalled thread did one chunk: " + chunksByThread);
        }
    }

    @Test
    void aWorkerFailureReachesTheCaller() {
        try (Parallel p = new Parallel(2)) {
            assertThrows(IllegalStateException.class, () -> p.forRange(10, (s, e) -> {
                if (s > 0) throw new IllegalStateException("boom");
            }));
            int[] ok = new int[1];
            p.forRange(1, (s, e) -> ok[0]++); // the pool still works afterwards
            assertEquals(1, ok[0]);
        }
    }
}
