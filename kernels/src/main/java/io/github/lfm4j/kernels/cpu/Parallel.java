package io.github.lfm4j.kernels.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of persistent worker threads that split a range {@code [0, n)} into contiguous chunks. A decode step
 * calls this about a hundred times per token, so it avoids per-call task objects and queues: the caller publishes
 * the job in volatile fields, workers spin briefly and then park, and the caller works too and then waits for the
 * others. One job runs at a time per instance (calls are serialised by a lock): an engine owns its instance.
 * <p>
 * The range is cut into {@link #CHUNKS_PER_THREAD} chunks per thread that the threads claim from a shared counter,
 * rather than one fixed chunk each: on a laptop or a shared machine one core is often busy with something else for
 * a while, and with fixed chunks every product then waits for the slowest thread; with claimed chunks the others
 * take over its share. The counter costs one atomic increment per chunk.
 */
public final class Parallel implements AutoCloseable {

    /** Work on the half-open range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final int SPIN_ITERATIONS = 20_000;
    /** Chunks per thread: enough to even out a thread that falls behind, few enough to keep rows contiguous. */
    static final int CHUNKS_PER_THREAD = 4;

    private final int threads;
    private final Thread[] workers;
    private volatile RangeBody body;
    private volatile int rangeEnd;
    private volatile int granularity;
    private volatile long generation;
    private volatile boolean closed;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger nextChunk = new AtomicInteger();
    private volatile int chunks;
    private volatile Throwable failure;
    private volatile Thread caller;

    /** @param threads number of threads including the caller; values below 1 mean all available processors */
    public Parallel(int threads) {
        this.threads = threads < 1 ? Runtime.getRuntime().availableProcessors() : threads;
        this.workers = new Thread[this.threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("lfm4j-worker-" + (i + 1)).start(this::workerLoop);
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body} over {@code [0, n)} split into one contiguous chunk per thread. */
    public void forRange(int n, RangeBody body) {
        forRange(n, 1, body);
    }

    /**
     * Like {@link #forRange(int, RangeBody)}, with chunk boundaries at multiples of {@code granularity} (so that
     * e.g. a kernel processing rows in pairs gets even chunks).
     */
    public synchronized void forRange(int n, int granularity, RangeBody body) {
        if (n <= 0) return;
        if (threads == 1 || n <= granularity) {
            body.run(0, n);
            return;
        }
        this.body = body;
        this.rangeEnd = n;
        this.granularity = granularity;
        this.failure = null;
        this.caller = Thread.currentThread();
        int units = (n + granularity - 1) / granularity;
        this.chunks = Math.min(units, threads * CHUNKS_PER_THREAD);
        nextChunk.set(0);
        pending.set(workers.length);
        generation++; // publishes the fields above to the workers
        for (Thread w : workers) LockSupport.unpark(w);
        runChunks(n, granularity, body);
        int spins = 0;
        while (pending.get() != 0) {
            if (++spins > SPIN_ITERATIONS) LockSupport.parkNanos(20_000);
            else Thread.onSpinWait();
        }
        this.body = null;
        Throwable f = failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
    }

    /** Claims chunks until none is left; chunk c covers units [units·c/chunks, units·(c+1)/chunks). */
    private void runChunks(int n, int granularity, RangeBody body) {
        int units = (n + granularity - 1) / granularity, count = chunks;
        for (int c = nextChunk.getAndIncrement(); c < count; c = nextChunk.getAndIncrement()) {
            int start = (int) ((long) units * c / count) * granularity;
            int end = Math.min(n, (int) ((long) units * (c + 1) / count) * granularity);
            if (start < end) body.run(start, end);
        }
    }

    private void workerLoop() {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins > SPIN_ITERATIONS) LockSupport.park(this);
                else Thread.onSpinWait();
            }
            if (closed) return;
            seen = generation;
            try {
                runChunks(rangeEnd, granularity, body);
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
