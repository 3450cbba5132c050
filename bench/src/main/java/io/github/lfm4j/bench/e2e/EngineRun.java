package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.runner.api.Device;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Every test run on one engine configuration (device × threads), with what it cost to set up and hold.
 *
 * @param loadSeconds     time to load the model and create the engine
 * @param compileSeconds  device code planning/JIT time (TornadoVM); empty for the CPU
 * @param peakRssBytes    the process's peak resident set (VmHWM) at the end of this engine's tests; the peak is
 *                        reset before loading where the kernel allows it, else it is the process peak so far
 * @param deviceMemory    accelerator memory; empty for the CPU
 * @param hostMemoryBytes mapped weights plus the engine's heap state at the end
 * @param stepProfile     device counters per greedy decode step (GPU engine); empty for the CPU
 * @param typeK           how the KV cache stored keys ({@code f16}, …), as llama-bench's {@code type_k}
 * @param typeV           how it stored values
 */
public record EngineRun(Device device, int threads, double loadSeconds, OptionalDouble compileSeconds,
                        OptionalLong peakRssBytes, OptionalLong deviceMemory, long hostMemoryBytes,
                        List<TestResult> results, Optional<DeviceStepProfile> stepProfile, String typeK, String typeV) {

    public EngineRun {
        results = List.copyOf(results);
    }

    /** The cache types as a label: {@code f16}, or {@code q8_0/f16} when keys and values differ. */
    public String cacheLabel() {
        return typeK.equals(typeV) ? typeK : typeK + "/" + typeV;
    }

    /** How the configuration is named in tables and charts, e.g. {@code cpu t=2}. */
    public String label() {
        return deviceLabel() + " t=" + threads + " " + cacheLabel();
    }

    /** The device as on the command line and in reports: {@code cpu} or {@code gpu}. */
    public String deviceLabel() {
        return device.name().toLowerCase(Locale.ROOT);
    }
}
