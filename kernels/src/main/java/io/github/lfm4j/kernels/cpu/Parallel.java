package io.github.lfm4j.kernels.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of persistent worker threads that split a range {@code [0, n)} into contiguous chunks. A decode step
 * calls this about a hundred times per token, so it avoids per-call task objects and queues: the caller publishes
 * the job in volatile fields, workers spin briefly and then park, and the caller works too and then waits for the
 * others. One job runs at a time per instance (calls are serialised by a lock): an engine owns its instance.
 * <p>
 * Threads claim chunks of the range from a shared counter, rather than one fixed chunk each: on a laptop or a
 * shared machine one core is often busy with something else for a while, and with fixed chunks every product then
 * waits for the slowest thread; with claimed chunks the others take over its share. Chunks shrink as the range is
 * used up ("guided" scheduling): each claim takes a {@code 1/(2·threads)} share of what is left, down to a floor of
 * {@code 1/(threads·}{@link #TAIL_CHUNKS_PER_THREAD}{@code )} of the range, so the first chunks are long contiguous
 * stretches of rows and the last ones are short, and the threads finish close together. Measured on 1.2B Q4_0
 * decode with 2 threads (71 products per token): the caller waited 1.2-2.7 ms per token for the other thread at the
 * end of products with 4 equal chunks per thread, 0.6-0.9 ms with 16, 0.4-0.6 ms with 32 or 64.
 */
public final class Parallel implements AutoCloseable {

    /** Work on the half-open range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final int SPIN_ITERATIONS = 20_000;
    /** The smallest chunk is this fraction of a thread's even share: the most one thread can wait for another. */
    static final int TAIL_CHUNKS_PER_THREAD = 32;

    private final int threads;
    private final Thread[] workers;
    private volatile RangeBody body;
    private volatile int rangeEnd;
    private volatile int granularity;
    private volatile long generation;
    private volatile boolean closed;
    private final AtomicInteger pending = new AtomicInteger();
    /** The first unit (of {@code granularity} indices) no thread has claimed yet. */
    private final AtomicInteger nextUnit = new AtomicInteger();
    private volatile int minChunkUnits;
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
        this.minChunkUnits = Math.max(1, units / (threads * TAIL_CHUNKS_PER_THREAD));
        nextUnit.set(0);
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

    /** Claims chunks until none is left: each a {@code 1/(2·threads)} share of the units left, at least the floor. */
    private void runChunks(int n, int granularity, RangeBody body) {
        int units = (n + granularity - 1) / granularity, floor = minChunkUnits, share = 2 * threads;
        while (true) {
            int start = nextUnit.get();
            if (start >= units) return;
            int end = Math.min(units, start + Math.max(floor, (units - start) / share));
            if (nextUnit.compareAndSet(start, end)) body.run(start * granularity, Math.min(n, end * granularity));
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
