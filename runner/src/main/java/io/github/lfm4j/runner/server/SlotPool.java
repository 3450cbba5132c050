package io.github.lfm4j.runner.server;

import java.util.ArrayDeque;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The generation slots: a fixed set of {@code T}s of which each request borrows one for the whole of its
 * generation, bounding how many generations run at once. When all are busy, up to {@code maxQueued} requests wait
 * in arrival order (fair: a later arrival never overtakes); a request beyond that is refused at once (the server
 * answers 503 with {@code Retry-After}) instead of piling up threads and memory.
 */
final class SlotPool<T> {
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition available = lock.newCondition();
    private final ArrayDeque<T> idle;
    private final int size, maxQueued;
    private int waiting;
    /** Tickets handed to waiters in arrival order so a later arrival never overtakes an earlier one. */
    private long nextTicket, servingTicket;
    /** Tickets of waiters that gave up (interrupted); passed over when their turn comes. */
    private final TreeSet<Long> skipped = new TreeSet<>();

    SlotPool(List<T> slots, int maxQueued) {
        if (slots.isEmpty()) throw new IllegalArgumentException("at least one generation slot is needed");
        if (maxQueued < 0) throw new IllegalArgumentException("the queue bound must be >= 0, got " + maxQueued);
        this.idle = new ArrayDeque<>(slots);
        this.size = slots.size();
        this.maxQueued = maxQueued;
    }

    /** Thrown by {@link #acquire} when every slot is busy and the queue is full. */
    static final class QueueFullException extends Exception {
        QueueFullException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Borrows a slot, waiting in line while all are busy.
     *
     * @throws QueueFullException   when all slots are busy and {@code maxQueued} requests already wait
     * @throws InterruptedException when the waiting thread is interrupted (server shutdown)
     */
    T acquire() throws QueueFullException, InterruptedException {
        lock.lock();
        try {
            if (waiting == 0 && !idle.isEmpty()) return idle.poll();
            if (waiting >= maxQueued) {
                throw new QueueFullException("all " + size + " generation slots are busy and " + waiting
                        + " requests are queued (the limit); retry later");
            }
            long ticket = nextTicket++;
            waiting++;
            try {
                while (ticket != servingTicket || idle.isEmpty()) available.await();
                servingTicket++;
                advancePastSkipped();
                available.signalAll(); // the next ticket holder may be able to go too
                return idle.poll();
            } catch (InterruptedException e) {
                // give up our place without stalling those behind us
                skipped.add(ticket);
                advancePastSkipped();
                available.signalAll();
                throw e;
            } finally {
                waiting--;
            }
        } finally {
            lock.unlock();
        }
    }

    private void advancePastSkipped() {
        while (skipped.remove(servingTicket)) servingTicket++;
    }

    /** Gives a slot back and lets the longest waiter have it. */
    void release(T slot) {
        lock.lock();
        try {
            idle.push(slot);
            advancePastSkipped();
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        return size;
    }

    int active() {
        lock.lock();
        try {
            return size - idle.size();
        } finally {
            lock.unlock();
        }
    }

    int queued() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }
}
