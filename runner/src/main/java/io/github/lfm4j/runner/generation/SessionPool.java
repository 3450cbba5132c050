package io.github.lfm4j.runner.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Idle engine sessions kept for stateless requests (an HTTP server's chat completions): a request takes the idle
 * session that can keep the longest prefix of its prompt cached (typically the same conversation one turn earlier),
 * or a new one, and gives it back afterwards. Thread-safe.
 *
 * <p>An engine may hold only a few sessions (a GPU holds one KV cache on the device): with {@code maxSessions}
 * created and none idle, {@link #acquire} waits until one is released. Sessions are then never dropped, only reused.
 */
public final class SessionPool {
    private final int maxIdle, maxSessions;
    private final Supplier<CachedSession> factory;
    private final List<CachedSession> idle = new ArrayList<>();
    private int created;

    /** @param maxIdle sessions kept when idle (each holds its KV cache); the least useful ones are dropped */
    public SessionPool(int maxIdle, Supplier<CachedSession> factory) {
        this(maxIdle, Integer.MAX_VALUE, factory);
    }

    /**
     * @param maxIdle     sessions kept when idle; the least useful ones are dropped
     * @param maxSessions sessions that may exist at once (at least {@code maxIdle}, so that none is ever dropped
     *                    and lost to the engine when it is bounded)
     */
    public SessionPool(int maxIdle, int maxSessions, Supplier<CachedSession> factory) {
        if (maxIdle < 1 || maxSessions < maxIdle) {
            throw new IllegalArgumentException("session pool sizes: idle " + maxIdle + ", total " + maxSessions);
        }
        this.maxIdle = maxIdle;
        this.maxSessions = maxSessions;
        this.factory = factory;
    }

    /**
     * The idle session that can keep the most of {@code prompt} cached; when none can keep anything, a new session
     * (or, with the pool full, the least recently used idle one, which the generation will reset). Waits while
     * {@code maxSessions} are in use.
     */
    public CachedSession acquire(int[] prompt) {
        synchronized (idle) {
            while (idle.isEmpty() && created >= maxSessions) {
                try {
                    idle.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a free engine session");
                }
            }
            CachedSession best = null;
            int bestKept = 0;
            for (CachedSession s : idle) {
                int kept = s.reusableFor(prompt);
                if (kept > bestKept) {
                    best = s;
                    bestKept = kept;
                }
            }
            if (best == null && (idle.size() >= maxIdle || created >= maxSessions)) best = idle.getFirst();
            if (best != null) {
                idle.remove(best);
                return best;
            }
            created++; // reserved here, created outside the lock (allocating a session takes a while)
        }
        try {
            return factory.get();
        } catch (RuntimeException | Error e) {
            synchronized (idle) {
                created--;
                idle.notifyAll();
            }
            throw e;
        }
    }

    /** Returns a session for reuse (most recently used last); beyond {@code maxIdle} the oldest idle one is dropped. */
    public void release(CachedSession s) {
        synchronized (idle) {
            idle.add(s);
            while (idle.size() > maxIdle) {
                idle.removeFirst();
                created--;
            }
            idle.notifyAll();
        }
    }

    /** Drops all idle sessions. */
    public void clear() {
        synchronized (idle) {
            created -= idle.size();
            idle.clear();
        }
    }
}
