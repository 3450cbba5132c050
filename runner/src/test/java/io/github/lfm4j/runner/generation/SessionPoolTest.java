package io.github.lfm4j.runner.generation;

import io.github.lfm4j.runner.engine.EngineSession;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The pool of idle sessions, bounded (a GPU's one session) and unbounded (the CPU), on sessions that only count. */
class SessionPoolTest {

    /** Counts positions; rewinds like the GPU session: to 0 and to the current position only. */
    static final class CountingSession implements EngineSession {
        private final float[] logits = new float[4];
        int position;

        public int position() { return position; }
        public int context() { return 100; }
        public float[] prefill(int[] tokens) { position += tokens.length; return logits; }
        public float[] decode(int token) { position++; return logits; }
        public void reset() { position = 0; }
        public boolean canRewindTo(int pos) { return pos == 0 || pos == position; }
        public int rewindPointAtOrBefore(int pos) { return pos >= position ? position : 0; }
        public void rewind(int pos) {
            if (!canRewindTo(pos)) throw new IllegalArgumentException("cannot rewind to " + pos);
            position = pos;
        }
        public void checkCapacity(int promptTokens, int toGenerate) {}
    }

    @Test
    void boundedPoolMakesTheSecondCallerWaitForTheOneSession() throws Exception {
        AtomicInteger made = new AtomicInteger();
        SessionPool pool = new SessionPool(1, 1, () -> {
            made.incrementAndGet();
            return new CachedSession(new CountingSession());
        });
        CachedSession first = pool.acquire(new int[]{1, 2, 3});
        CompletableFuture<CachedSession> second = CompletableFuture.supplyAsync(() -> pool.acquire(new int[]{7, 8}));
        assertThrows(TimeoutException.class, () -> second.get(300, TimeUnit.MILLISECONDS), "waits while in use");
        pool.release(first);
        assertSame(first, second.get(5, TimeUnit.SECONDS));
        assertEquals(1, made.get(), "never a second session");
        pool.release(first);
        assertSame(first, pool.acquire(new int[]{9}), "with none reusable, the one session is handed out again");
    }

    @Test
    void unboundedPoolCreatesAndKeepsTheMostRecent() {
        SessionPool pool = new SessionPool(2, () -> new CachedSession(new CountingSession()));
        CachedSession a = pool.acquire(new int[]{1}), b = pool.acquire(new int[]{1}), c = pool.acquire(new int[]{1});
        assertNotSame(a, b);
        assertNotSame(b, c);
        a.prefill(new int[]{1, 2, 3}, 0, 3);
        pool.release(a);
        pool.release(b);
        pool.release(c); // beyond 2 idle: a, the oldest, is dropped
        CachedSession next = pool.acquire(new int[]{1, 2, 3, 4});
        assertFalse(next == a, "the dropped session is not handed out");
    }

    @Test
    void cachedPrefixReuseFollowsTheEnginesRewindPoints() {
        CachedSession s = new CachedSession(new CountingSession());
        s.prefill(new int[]{5, 6, 7}, 0, 3);
        assertEquals(3, s.reusableFor(new int[]{5, 6, 7, 8}), "the whole history is a prefix: keep it");
        assertEquals(0, s.reusableFor(new int[]{5, 6, 9, 8}), "a shorter shared prefix: this engine restarts at 0");
        assertEquals(0, s.rewindFor(new int[]{5, 6, 9}));
        assertEquals(0, s.session().position());
    }

    @Test
    void sizesAreChecked() {
        assertEquals("session pool sizes: idle 2, total 1",
                assertThrows(IllegalArgumentException.class, () -> new SessionPool(2, 1, () -> null)).getMessage());
    }
}
