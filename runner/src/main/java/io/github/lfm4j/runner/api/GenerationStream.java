package io.github.lfm4j.runner.api;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A generation consumed as an iterator of {@link GenerationEvent}s (the pull-style alternative to a
 * {@link GenerationListener}): the generation runs on its own thread and waits whenever the consumer falls
 * {@value #BUFFER} events behind. The last event is {@link GenerationEvent.Done}. {@link #close()} cancels a
 * generation still running (e.g. when an HTTP client went away) and waits for it to end; use try-with-resources.
 * If the generation fails, {@link #next()} throws its exception. One consumer thread.
 */
public final class GenerationStream implements Iterator<GenerationEvent>, AutoCloseable {
    static final int BUFFER = 64;

    /** What the producer hands over: an event or the failure that ended the generation. */
    private record Item(GenerationEvent event, RuntimeException failure) {}

    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(BUFFER);
    private final Thread producer;
    private volatile boolean closed;
    private Item next;
    private boolean finished;

    /** Starts {@code generation} (a call taking the listener to stream to) on a new thread. */
    GenerationStream(Function<GenerationListener, GenerationResult> generation) {
        this.producer = Thread.ofPlatform().daemon().name("lfm4j-generation").start(() -> {
            try {
                generation.apply(this::offer);
            } catch (RuntimeException e) {
                put(new Item(null, e));
            } catch (Error e) {
                put(new Item(null, new IllegalStateException(e.toString(), e)));
                throw e;
            }
        });
    }

    private boolean offer(GenerationEvent e) {
        put(new Item(e, null));
        return !closed;
    }

    private void put(Item item) {
        try {
            while (!closed && !queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                // the consumer is behind: wait for room (or for close)
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean hasNext() {
        if (next != null) return true;
        if (finished) return false;
        try {
            next = queue.take();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next generation event");
        }
        return true;
    }

    @Override
    public GenerationEvent next() {
        if (!hasNext()) throw new NoSuchElementException("the generation is over");
        Item item = next;
        next = null;
        if (item.failure() != null) {
            finished = true;
            throw item.failure();
        }
        if (item.event() instanceof GenerationEvent.Done) finished = true;
        return item.event();
    }

    /** Cancels the generation if it is still running and waits for its thread to end. */
    @Override
    public void close() {
        closed = true;
        queue.clear();
        try {
            producer.join();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        finished = true;
        next = null;
    }
}
