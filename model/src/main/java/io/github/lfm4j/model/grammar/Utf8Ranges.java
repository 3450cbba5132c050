package io.github.lfm4j.model.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns sets of Unicode scalar values into the UTF-8 byte sequences that encode them, as sequences of byte ranges
 * (the way regex engines compile Unicode classes to bytes): the range U+0080..U+07FF becomes the one sequence
 * {@code [C2-DF][80-BF]}. Matching such sequences byte by byte accepts exactly the UTF-8 encodings of the set, so
 * the grammar can run on bytes and a token that ends in the middle of a character is handled like any other.
 */
final class Utf8Ranges {
    private Utf8Ranges() {}

    static final int MAX = Character.MAX_CODE_POINT;

    /** Sorted, merged inclusive ranges ({@code lo, hi} pairs) of {@code ranges}, complemented when {@code negate}; surrogates removed. */
    static int[] normalize(int[] ranges, boolean negate) {
        int n = ranges.length / 2;
        int[][] pairs = new int[n][];
        for (int i = 0; i < n; i++) pairs[i] = new int[]{ranges[2 * i], ranges[2 * i + 1]};
        Arrays.sort(pairs, (a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] p : pairs) {
            if (!merged.isEmpty() && p[0] <= merged.getLast()[1] + 1) {
                merged.getLast()[1] = Math.max(merged.getLast()[1], p[1]);
            } else merged.add(p.clone());
        }
        if (negate) {
            List<int[]> comp = new ArrayList<>();
            int next = 0;
            for (int[] p : merged) {
                if (p[0] > next) comp.add(new int[]{next, p[0] - 1});
                next = p[1] + 1;
            }
            if (next <= MAX) comp.add(new int[]{next, MAX});
            merged = comp;
        }
        List<Integer> out = new ArrayList<>();
        for (int[] p : merged) {
            // surrogates have no UTF-8 encoding
            if (p[0] < 0xD800 && p[1] >= 0xD800) {
                out.add(p[0]);
                out.add(0xD7FF);
                if (p[1] > 0xDFFF) {
                    out.add(0xE000);
                    out.add(p[1]);
                }
            } else if (p[0] >= 0xD800 && p[0] <= 0xDFFF) {
                if (p[1] > 0xDFFF) {
                    out.add(0xE000);
                    out.add(p[1]);
                }
            } else {
                out.add(p[0]);
                out.add(p[1]);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The byte-range sequences for normalized ranges: each sequence is {@code int[2 * length]} of
     * {@code lo, hi} byte bounds.
     */
    static List<int[]> sequences(int[] normalized) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < normalized.length; i += 2) split(normalized[i], normalized[i + 1], out);
        return out;
    }

    private static final int[] LENGTH_ENDS = {0x7F, 0x7FF, 0xFFFF, MAX};

    private static void split(int lo, int hi, List<int[]> out) {
        // first make both ends need the same number of bytes
        for (int end : LENGTH_ENDS) {
            if (lo <= end && hi > end) {
                split(lo, end, out);
                split(end + 1, hi, out);
                return;
            }
        }
        int n = length(lo);
        // then split until every continuation byte position spans a full or a single range
        for (int i = 1; i < n; i++) {
            int m = (1 << (6 * i)) - 1;
            if ((lo & ~m) != (hi & ~m)) {
                if ((lo & m) != 0) {
                    split(lo, lo | m, out);
                    split((lo | m) + 1, hi, out);
                    return;
                }
                if ((hi & m) != m) {
                    split(lo, (hi & ~m) - 1, out);
                    split(hi & ~m, hi, out);
                    return;
                }
            }
        }
        byte[] a = encode(lo), b = encode(hi);
        int[] seq = new int[2 * n];
        for (int i = 0; i < n; i++) {
            seq[2 * i] = a[i] & 0xFF;
            seq[2 * i + 1] = b[i] & 0xFF;
        }
        out.add(seq);
    }

    static int length(int cp) {
        return cp <= 0x7F ? 1 : cp <= 0x7FF ? 2 : cp <= 0xFFFF ? 3 : 4;
    }

    static byte[] encode(int cp) {
        return new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
