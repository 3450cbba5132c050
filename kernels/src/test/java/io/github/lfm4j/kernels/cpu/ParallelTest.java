package io.github.lfm4j.kernels.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            java.util.Map<String, Integer> indicesByThread = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.Map<String, Integer> chunksByThread = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.atomic.AtomicBoolean stalled = new java.util.concurrent.atomic.AtomicBoolean();
            p.forRange(800, 1, (s, e) -> {
                indicesByThread.merge(Thread.currentThread().getName(), e - s, Integer::sum);
                chunksByThread.merge(Thread.currentThread().getName(), 1, Integer::sum);
                if (stalled.compareAndSet(false, true)) {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            assertEquals(2, chunksByThread.size(), "both threads worked: " + chunksByThread);
            assertEquals(1, java.util.Collections.min(chunksByThread.values()), "the stalled thread did one chunk: " + chunksByThread);
            // its one chunk was one of the first two claims (a quarter of the range, or a quarter of the rest, at 2
            // threads); the other thread did all the rest
            int stalledShare = java.util.Collections.min(indicesByThread.values());
            assertTrue(stalledShare == 200 || stalledShare == 150, indicesByThread.toString());
            assertEquals(800 - stalledShare, java.util.Collections.max(indicesByThread.values()), indicesByThread.toString());
        }
    }

    /** Chunks shrink along the range (long contiguous runs first, short ones last), down to the floor. */
    @Test
    void chunksShrinkTowardsTheEndOfTheRange() {
        for (int threads : new int[]{2, 4}) {
            try (Parallel p = new Parallel(threads)) {
                int n = 16384, g = 16, units = n / g;
                java.util.concurrent.ConcurrentSkipListMap<Integer, Integer> sizeByStart = new java.util.concurrent.ConcurrentSkipListMap<>();
                p.forRange(n, g, (s, e) -> sizeByStart.put(s, e - s));
                int floor = units / (threads * Parallel.TAIL_CHUNKS_PER_THREAD) * g;
                assertEquals(units / (2 * threads) * g, sizeByStart.firstEntry().getValue(), "first chunk: " + sizeByStart);
                int previous = Integer.MAX_VALUE;
                for (var c : sizeByStart.entrySet()) {
                    if (c.getKey() + c.getValue() < n) {
                        assertTrue(c.getValue() <= previous, "sizes do not grow along the range: " + sizeByStart);
                        assertTrue(c.getValue() >= floor, "no chunk below the floor but the last: " + sizeByStart);
                    }
                    previous = c.getValue();
                }
                assertTrue(sizeByStart.lastEntry().getValue() <= floor, "the last chunk is at most the floor: " + sizeByStart);
            }
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
