package io.github.lfm4j.runner.api;

/** Where a model runs. */
public enum Device {
    /** The CPU engine (Java Vector API). */
    CPU,
    /** The GPU engine; needs TornadoVM, which this build does not include (loading fails with a one-line error). */
    GPU,
    /** The GPU when a GPU engine is available, else the CPU. */
    AUTO;

    /** Parses {@code cpu|gpu|auto} (any case); anything else is a one-line IllegalArgumentException. */
    public static Device parse(String name) {
        if (name != null) {
            for (Device d : values()) if (d.name().equalsIgnoreCase(name.strip())) return d;
        }
        throw new IllegalArgumentException("unknown device '" + name + "': use cpu, gpu or auto");
    }
}
