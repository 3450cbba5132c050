package io.github.lfm4j.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The 12-byte scale/min table of Q4_K and Q5_K: eight 6-bit scales and eight 6-bit mins. Sub-blocks 0-3 keep
 * scale and min in the low 6 bits of bytes j and j+4; sub-blocks 4-7 keep their low 4 bits in the nibbles of byte
 * j+4 and their top 2 bits in the top bits of bytes j-4 (scale) and j (min), as ggml's get_scale_min_k4.
 */
final class KQuantScales {
    private KQuantScales() {}

    private static int at(MemorySegment s, long table, int i) {
        return s.get(ValueLayout.JAVA_BYTE, table + i) & 0xFF;
    }

    static int scale(MemorySegment s, long table, int j) {
        return j < 4 ? at(s, table, j) & 63 : (at(s, table, j + 4) & 0x0F) | ((at(s, table, j - 4) >>> 6) << 4);
    }

    static int min(MemorySegment s, long table, int j) {
        return j < 4 ? at(s, table, j + 4) & 63 : (at(s, table, j + 4) >>> 4) | ((at(s, table, j) >>> 6) << 4);
    }

    /**
     * All eight scales (into {@code out[0..7]}) and mins ({@code out[8..15]}) of the table at {@code table}, from
     * one 8-byte and one 4-byte read: the same bit layout as {@link #scale}/{@link #min}, cheap enough for a
     * matvec's inner loop.
     */
    static void unpack(MemorySegment s, long table, int[] out) {
        long lo = s.get(RowDecodingKernel.LE_LONG, table);
        int hi = s.get(RowDecodingKernel.LE_INT, table + 8);
        for (int j = 0; j < 4; j++) {
            int bj = (int) (lo >>> (8 * j)) & 0xFF, bj4 = (int) (lo >>> (8 * j + 32)) & 0xFF, bj8 = (hi >>> (8 * j)) & 0xFF;
            out[j] = bj & 63;
            out[8 + j] = bj4 & 63;
            out[4 + j] = (bj8 & 0x0F) | ((bj >>> 6) << 4);
            out[12 + j] = (bj8 >>> 4) | ((bj4 >>> 6) << 4);
        }
    }
}
