package io.github.lfm4j.runner.engine.spi;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which device of a GPU engine a model loads onto. {@code --device gpu} takes the best device of any kind (a CPU
 * OpenCL device too, when it is the only one); {@code --device auto} takes it only when it is a real GPU or
 * accelerator, since the CPU engine is faster than a GPU engine running on the same CPU through OpenCL.
 */
public final class DeviceChoice {
    private DeviceChoice() {}

    /** GPU, then accelerator, then other, then CPU; within a kind the runtime's default, then the most memory. */
    static final Comparator<GpuDevice> PREFERENCE = Comparator.comparing(GpuDevice::kind)
            .thenComparing(d -> !d.isDefault())
            .thenComparing(Comparator.comparingLong(GpuDevice::memoryBytes).reversed());

    /** The best device for {@code --device gpu}; empty only when there is none. */
    public static Optional<GpuDevice> best(List<GpuDevice> devices) {
        return devices.stream().min(PREFERENCE);
    }

    /** The best device when it is worth leaving the CPU engine for: a GPU, accelerator or other non-CPU device. */
    public static Optional<GpuDevice> forAuto(List<GpuDevice> devices) {
        return best(devices).filter(d -> d.kind() != GpuDevice.Kind.CPU);
    }

    /**
     * The one-line notice when {@code --device auto} stays on the CPU engine although the GPU engine offers
     * devices (all of them CPU devices); empty when there is no such device.
     */
    public static Optional<String> autoFallbackNotice(String engine, List<GpuDevice> devices) {
        if (devices.isEmpty() || forAuto(devices).isPresent()) return Optional.empty();
        return Optional.of("lfm4j: --device auto: " + engine + " offers only CPU devices (" + best(devices).get().name()
                + "), where the CPU engine is faster; using the CPU engine (--device gpu forces " + engine + ")");
    }
}
