package io.github.lfm4j.tornadovm.engine;

/**
 * The device-memory check made at load, before anything is allocated on the device: the whole model must fit the
 * device's global memory and its largest buffer the device's per-buffer limit. Failing either is an
 * IllegalStateException with a one-line message saying what is needed and what the device has.
 */
final class DeviceMemory {
    private DeviceMemory() {}

    /**
     * @param needed        bytes of every device buffer together
     * @param weights       bytes of the weights among them
     * @param kvCache       bytes of the KV cache among them
     * @param largestBuffer bytes of the largest single buffer
     * @param global        the device's global memory (0 or less: unknown, not checked)
     * @param maxAlloc      the device's largest allowed buffer (0 or less: unknown, not checked)
     */
    static void check(long needed, long weights, long kvCache, int context, long largestBuffer, String device,
                      long global, long maxAlloc) {
        if (global > 0 && needed > global) {
            throw new IllegalStateException(String.format("the model needs %d MiB of device memory (weights %d MiB, "
                            + "KV cache %d MiB for %d tokens) but %s has %d MiB; use a smaller model or context",
                    mib(needed), mib(weights), mib(kvCache), context, device, mib(global)));
        }
        if (maxAlloc > 0 && largestBuffer > maxAlloc) {
            throw new IllegalStateException(String.format("the model needs a device buffer of %d MiB but %s allows at "
                    + "most %d MiB per buffer", mib(largestBuffer), device, mib(maxAlloc)));
        }
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
