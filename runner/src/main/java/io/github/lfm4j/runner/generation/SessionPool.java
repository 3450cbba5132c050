package io.github.lfm4j.runner.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Idle engine sessions kept for stateless requests (an HTTP server's chat completions): a request takes the idle
 * session that can keep the longest prefix of its prompt cached (typically the same conversation one turn earlier),
 * or a new one, and gives it back afterwards. Thread-safe.
 */
public final class SessionPool {
    private final int maxIdle;
    private final Supplier<CachedSession> factory;
    private final List<CachedSession> idle = new ArrayList<>();

    /** @param maxIdle sessions kept when idle (each holds its KV cache); the least useful ones are dropped */
    public SessionPool(int maxIdle, Supplier<CachedSession> factory) {
        this.maxIdle = maxIdle;
        this.factory = factory;
    }

    /**
     * The idle session that can keep the most of {@code prompt} cached; when none can keep anything, a new session
     * (or, with the pool full, the least recently used idle one, which the generation will reset).
     */
    public CachedSession acquire(int[] prompt) {
        synchronized (idle) {
            CachedSession best = null;
            int bestKept = 0;
            for (CachedSession s : idle) {
                int kept = s.reusableFor(prompt);
                if (kept > bestKept) {
                    best = s;
                    bestKept = kept;
                }
            }
            if (best == null && idle.size() >= maxIdle) best = idle.getFirst();
            if (best != null) {
                idle.remove(best);
                return best;
            }
        }
        return factory.get();
    }

    /** Returns a session for reuse (most recently used last); beyond {@code maxIdle} the oldest idle one is dropped. */
    public void release(CachedSession s) {
        synchronized (idle) {
            idle.add(s);
            while (idle.size() > maxIdle) idle.removeFirst();
        }
    }

    /** Drops all idle sessions. */
    public void clear() {
        synchronized (idle) {
            idle.clear();
        }
    }
}
