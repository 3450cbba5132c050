package io.github.lfm4j.tornadovm.engine;

import io.github.lfm4j.tornadovm.kernels.AttentionKernels;
import io.github.lfm4j.tornadovm.kernels.DeviceMatrix;
import io.github.lfm4j.tornadovm.kernels.ElementwiseKernels;
import io.github.lfm4j.tornadovm.kernels.NormKernels;

/**
 * Work-group sizes chosen from a device's limits. The matrix-vector and fused FFN kernels take their work-group
 * size as an int argument (TornadoVM compiles int arguments in as constants, so their local arrays get a fixed
 * size per task; checked on PoCL by the kernel tests at several sizes). The other kernels keep compile-time sizes
 * ({@link NormKernels#LOCAL}, {@link AttentionKernels#LOCAL}, {@link ElementwiseKernels#ARGMAX_LOCAL}), which
 * {@link #requireFixedSizesFit} checks against the device at load.
 *
 * @param maxWorkGroupSize work-items a work-group may hold on the device
 * @param localMemoryBytes local memory per work-group
 * @param gpu              true for GPU and accelerator devices, false for CPU OpenCL devices
 */
record WorkGroupSizes(long maxWorkGroupSize, long localMemoryBytes, boolean gpu) {

    /**
     * Preferred matvec work-group size: on a GPU enough work-items per row to hide memory latency; on a CPU OpenCL
     * device (PoCL) a work-group runs as a loop per core and 64 measured best of the sizes tried there.
     */
    static final int GPU_PREFERRED = 256, CPU_PREFERRED = 64;
    /** Local memory a matvec work-item needs: two float partial sums (the fused FFN's gate and up). */
    static final int MATVEC_LOCAL_BYTES_PER_ITEM = 8;

    WorkGroupSizes {
        if (maxWorkGroupSize < 1) throw new IllegalArgumentException("device reports a maximum work-group size of "
                + maxWorkGroupSize);
    }

    /**
     * Work-items per row of {@code w}'s products: a power of two, at most the preferred size, the device's maximum
     * and what its local memory holds, and no more than the row has units of work (a weight for F32/F16, a block of
     * 32 for the quantized layouts), so no work-item idles on short rows.
     */
    int matvec(DeviceMatrix w) {
        return matvec(w.layout().takesInt8() ? w.cols() / 32 : w.cols());
    }

    int matvec(int workUnits) {
        long cap = Math.min(gpu ? GPU_PREFERRED : CPU_PREFERRED, maxWorkGroupSize);
        cap = Math.min(cap, localMemoryBytes / MATVEC_LOCAL_BYTES_PER_ITEM);
        cap = Math.min(cap, Math.max(1, workUnits));
        if (cap < 1) throw new IllegalArgumentException("device has " + localMemoryBytes + " bytes of local memory, "
                + "less than one work-item of a matrix-vector product needs");
        return Integer.highestOneBit((int) cap);
    }

    /** Fails with one line when a kernel of compile-time size does not fit the device. */
    void requireFixedSizesFit(String device) {
        int largest = Math.max(ElementwiseKernels.ARGMAX_LOCAL, Math.max(NormKernels.LOCAL, AttentionKernels.LOCAL));
        // argmax: a float and an int per work-item
        long localBytes = 8L * ElementwiseKernels.ARGMAX_LOCAL;
        if (largest > maxWorkGroupSize || localBytes > localMemoryBytes) {
            throw new IllegalArgumentException("device " + device + " allows work-groups of " + maxWorkGroupSize
                    + " work-items and " + localMemoryBytes + " bytes of local memory; the GPU engine needs "
                    + largest + " work-items and " + localBytes + " bytes");
        }
    }
}
