package io.github.lfm4j.runner.engine.spi;

/**
 * What a GPU engine's device profiler counted while it was on ({@link GpuModel#profile}).
 *
 * @param executions  device executions (TornadoVM: task-graph executions; several per token)
 * @param kernelNanos time the device spent in kernels
 * @param bytesIn     bytes copied host → device
 * @param bytesOut    bytes copied device → host
 */
public record GpuProfile(long executions, long kernelNanos, long bytesIn, long bytesOut) {}
