package io.github.lfm4j.runner.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Idle engine sessions kept for stateless requests (an HTTP server's chat completions): a request takes the idle
 * session sharing the longest token prefix with its prompt (typically the same conversation one turn earlier), or
 * a new one, and gives it back afterwards. Thread-safe.
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

    /** The idle session sharing the longest prefix with {@code prompt}, or a new session. */
    public CachedSession acquire(int[] prompt) {
        synchronized (idle) {
            CachedSession best = null;
            int bestShared = -1;
            for (CachedSession s : idle) {
                int shared = s.commonPrefix(prompt);
                if (shared > bestShared) {
                    best = s;
                    bestShared = shared;
                }
            }
            if (best != null && (bestShared > 0 || idle.size() >= maxIdle)) {
                idle.remove(best);
                return best;
            }
        }
        return factory.get();
    }

    /** Returns a session for reuse; beyond {@code maxIdle} the oldest idle one is dropped. */
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
