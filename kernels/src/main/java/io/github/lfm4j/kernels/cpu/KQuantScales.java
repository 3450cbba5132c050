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
}
