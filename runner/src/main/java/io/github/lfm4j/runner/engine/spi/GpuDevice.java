package io.github.lfm4j.runner.engine.spi;

/**
 * A device a GPU engine can run on.
 *
 * @param id          the engine's id for it (TornadoVM: "backend:device", e.g. "0:0")
 * @param name        human-readable name and description
 * @param memoryBytes global memory, or 0 when unknown
 * @param isDefault   whether it is the runtime's default device
 * @param kind        what sort of processor it is (an OpenCL device may well be the CPU, e.g. PoCL)
 */
public record GpuDevice(String id, String name, long memoryBytes, boolean isDefault, Kind kind) {

    /** The device type the runtime reports, in the order {@link DeviceChoice} prefers them. */
    public enum Kind { GPU, ACCELERATOR, OTHER, CPU }
}
