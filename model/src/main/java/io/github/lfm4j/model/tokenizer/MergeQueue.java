package io.github.lfm4j.model.tokenizer;

import java.util.Arrays;

/**
 * A binary min-heap of candidate merges, ordered by merge rank and then by the position of the left symbol (the
 * order llama.cpp's priority queue pops them). Each entry also carries the combined length of the two symbols when
 * it was pushed, which tells whether either symbol has changed since (symbols only ever grow or disappear).
 */
final class MergeQueue {
    private long[] keys = new long[32];
    private int[] lengths = new int[32];
    private int size;

    void clear() {
        size = 0;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void push(int rank, int left, int pairLength) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            lengths = Arrays.copyOf(lengths, size * 2);
        }
        long key = ((long) rank << 32) | left;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) break;
            keys[i] = keys[parent];
            lengths[i] = lengths[parent];
            i = parent;
        }
        keys[i] = key;
        lengths[i] = pairLength;
    }

    /** Left symbol index of the top entry. */
    int topLeft() {
        return (int) keys[0];
    }

    int topPairLength() {
        return lengths[0];
    }

    void pop() {
        long key = keys[--size];
        int len = lengths[size];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && keys[child + 1] < keys[child]) child++;
            if (key <= keys[child]) break;
            keys[i] = keys[child];
            lengths[i] = lengths[child];
            i = child;
        }
        keys[i] = key;
        lengths[i] = len;
    }
}
