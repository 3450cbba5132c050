package io.github.lfm4j.model.sampling;

/** Selection of the largest values of a logit vector without sorting the whole vocabulary. */
final class TopK {
    private TopK() {}

    /** Indices of the {@code k} largest values, largest first (ties: lower index first). */
    static int[] indices(float[] values, int k) {
        int[] heap = new int[k];
        int size = selectInto(values, values.length, null, k, heap);
        int[] out = new int[size];
        System.arraycopy(heap, 0, out, 0, size);
        sortDescending(values, out, size, new int[size]);
        return out;
    }

    /**
     * Puts into {@code heap} the indices of the {@code k} largest of {@code values[0..n)} (or of
     * {@code values[ids[i]]} when {@code ids} is given, ids then being what is stored), unordered; returns the count.
     * Uses a min-heap of size k: O(n log k).
     */
    static int selectInto(float[] values, int n, int[] ids, int k, int[] heap) {
        int size = 0;
        if (k <= 0) return 0;
        for (int i = 0; i < n; i++) {
            int id = ids == null ? i : ids[i];
            if (size < k) {
                heap[size] = id;
                siftUp(values, heap, size++);
            } else if (greater(values, id, heap[0])) {
                heap[0] = id;
                siftDown(values, heap, size);
            }
        }
        return size;
    }

    /** True when a ranks above b: larger value, or equal value and smaller index. */
    static boolean greater(float[] v, int a, int b) {
        return v[a] > v[b] || (v[a] == v[b] && a < b);
    }

    private static void siftUp(float[] v, int[] heap, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!greater(v, heap[parent], heap[i])) break;
            int t = heap[parent]; heap[parent] = heap[i]; heap[i] = t;
            i = parent;
        }
    }

    private static void siftDown(float[] v, int[] heap, int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, min = i;
            if (l < size && greater(v, heap[min], heap[l])) min = l;
            if (r < size && greater(v, heap[min], heap[r])) min = r;
            if (min == i) return;
            int t = heap[min]; heap[min] = heap[i]; heap[i] = t;
            i = min;
        }
    }

    /** Sorts ids[0..n) by value, largest first (stable merge sort; {@code tmp} holds at least n ints). */
    static void sortDescending(float[] v, int[] ids, int n, int[] tmp) {
        if (n < 2) return;
        mergeSort(v, ids, tmp, 0, n);
    }

    private static void mergeSort(float[] v, int[] a, int[] tmp, int lo, int hi) {
        if (hi - lo < 2) return;
        int mid = (lo + hi) >>> 1;
        mergeSort(v, a, tmp, lo, mid);
        mergeSort(v, a, tmp, mid, hi);
        int i = lo, j = mid, o = lo;
        while (i < mid && j < hi) tmp[o++] = greater(v, a[j], a[i]) ? a[j++] : a[i++];
        while (i < mid) tmp[o++] = a[i++];
        while (j < hi) tmp[o++] = a[j++];
        System.arraycopy(tmp, lo, a, lo, hi - lo);
    }
}
