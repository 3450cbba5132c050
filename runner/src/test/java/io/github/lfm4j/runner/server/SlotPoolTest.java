package io.github.lfm4j.runner.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
class SlotPoolTest {

    /** Waits (bounded) until the pool reports {@code n} queued requests. */
    static void awaitQueued(SlotPool<?> pool, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (pool.queued() != n) {
            if (System.nanoTime() > deadline) throw new AssertionError("queued stayed " + pool.queued() + ", expected " + n);
            Thread.sleep(2);
        }
    }

    @Test
    void refusesBeyondTheQueueAndServesWaitersInArrivalOrder() throws Exception {
        SlotPool<String> pool = new SlotPool<>(List.of("s"), 3);
        String slot = pool.acquire();
        assertEquals(1, pool.active());
        List<Integer> order = new CopyOnWriteArrayList<>();
        Thread[] waiters = new Thread[3];
        for (int i = 0; i < 3; i++) {
            int id = i;
            waiters[i] = Thread.ofVirtual().start(() -> {
                try {
                    String s = pool.acquire();
                    order.add(id);
                    pool.release(s);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            awaitQueued(pool, i + 1); // arrivals in a known order
        }
        SlotPool.QueueFullException full = assertThrows(SlotPool.QueueFullException.class, pool::acquire);
        assertTrue(full.getMessage().contains("3 requests are queued"), full.getMessage());

        pool.release(slot);
        for (Thread t : waiters) t.join(5000);
        assertEquals(List.of(0, 1, 2), order);
        assertEquals(0, pool.active());
        assertEquals(0, pool.queued());
    }

    @Test
    void aWaiterThatGivesUpDoesNotBlockThoseBehindIt() throws Exception {
        SlotPool<String> pool = new SlotPool<>(List.of("s"), 2);
        String slot = pool.acquire();
        CountDownLatch interrupted = new CountDownLatch(1);
        Thread first = Thread.ofVirtual().start(() -> {
            try {
                pool.acquire();
                throw new AssertionError("should have been interrupted");
            } catch (InterruptedException e) {
                interrupted.countDown();
            } catch (SlotPool.QueueFullException e) {
                throw new AssertionError(e);
            }
        });
        awaitQueued(pool, 1);
        String[] got = new String[1];
        Thread second = Thread.ofVirtual().start(() -> {
            try {
                got[0] = pool.acquire();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        awaitQueued(pool, 2);
        first.interrupt();
        interrupted.await();
        pool.release(slot);
        second.join(5000);
        assertEquals("s", got[0]);
        assertEquals(0, pool.queued());
    }

    @Test
    void queueOfZeroRefusesAsSoonAsAllSlotsAreBusy() throws Exception {
        SlotPool<Integer> pool = new SlotPool<>(List.of(1, 2), 0);
        pool.acquire();
        pool.acquire();
        assertThrows(SlotPool.QueueFullException.class, pool::acquire);
        assertThrows(IllegalArgumentException.class, () -> new SlotPool<>(List.of(), 1));
        assertThrows(IllegalArgumentException.class, () -> new SlotPool<>(List.of(1), -1));
    }
}
