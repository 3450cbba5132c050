package io.github.lfm4j.tornadovm.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The work-group size choice from made-up device limits (no device needed). */
class WorkGroupSizesTest {
    private static final int LONG_ROW = 2048;

    @Test
    void gpuTakesItsPreferredSizeUnderTheDeviceMaximum() {
        assertEquals(256, new WorkGroupSizes(1024, 48 << 10, true).matvec(LONG_ROW));
        assertEquals(256, new WorkGroupSizes(256, 48 << 10, true).matvec(LONG_ROW));
        assertEquals(32, new WorkGroupSizes(32, 48 << 10, true).matvec(LONG_ROW));
        // not a power of two: the largest power of two below
        assertEquals(64, new WorkGroupSizes(96, 48 << 10, true).matvec(LONG_ROW));
    }

    @Test
    void cpuDeviceKeepsSixtyFour() {
        assertEquals(64, new WorkGroupSizes(4096, 4 << 20, false).matvec(LONG_ROW));
        assertEquals(32, new WorkGroupSizes(32, 4 << 20, false).matvec(LONG_ROW));
    }

    @Test
    void smallLocalMemoryShrinksTheGroup() {
        // 8 bytes per work-item (the fused FFN's two partial sums)
        assertEquals(128, new WorkGroupSizes(1024, 1024, true).matvec(LONG_ROW));
        assertEquals(16, new WorkGroupSizes(1024, 130, true).matvec(LONG_ROW));
        var none = new WorkGroupSizes(1024, 7, true);
        assertThrows(IllegalArgumentException.class, () -> none.matvec(LONG_ROW));
    }

    @Test
    void shortRowsDoNotIdleWorkItems() {
        assertEquals(8, new WorkGroupSizes(1024, 48 << 10, true).matvec(10));
        assertEquals(1, new WorkGroupSizes(1024, 48 << 10, true).matvec(1));
    }

    @Test
    void everyChoiceIsAPowerOfTwoWithinTheLimits() {
        for (long max : new long[]{1, 3, 32, 100, 256, 1000, 1024}) {
            for (long mem : new long[]{8, 100, 1024, 32 << 10}) {
                for (boolean gpu : new boolean[]{true, false}) {
                    int n = new WorkGroupSizes(max, mem, gpu).matvec(LONG_ROW);
                    assertEquals(1, Integer.bitCount(n), n + " not a power of two");
                    assertTrue(n <= max && 8L * n <= mem, n + " exceeds " + max + " / " + mem);
                }
            }
        }
    }

    @Test
    void fixedSizeKernelsMustFit() {
        new WorkGroupSizes(256, 32 << 10, true).requireFixedSizesFit("big");
        var e = assertThrows(IllegalArgumentException.class,
                () -> new WorkGroupSizes(128, 32 << 10, true).requireFixedSizesFit("small"));
        assertEquals("device small allows work-groups of 128 work-items and 32768 bytes of local memory; the GPU "
                + "engine needs 256 work-items and 2048 bytes", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WorkGroupSizes(0, 1, true));
    }
}
