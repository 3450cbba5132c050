package io.github.lfm4j.runner.engine.spi;

/**
 * A device a GPU engine can run on.
 *
 * @param id          the engine's id for it (TornadoVM: "backend:device", e.g. "0:0")
 * @param name        human-readable name and description
 * @param memoryBytes global memory, or 0 when unknown
 * @param isDefault   whether models load onto this device
 */
public record GpuDevice(String id, String name, long memoryBytes, boolean isDefault) {}
