package io.github.lfm4j.runner.api;

/** Where a model runs. */
public enum Device {
    /** The CPU engine (Java Vector API). */
    CPU,
    /**
     * The GPU engine (TornadoVM, found on the class path at run time); without it, or in a JVM not started with its
     * arguments, loading fails with a one-line error. The device holds one conversation at a time.
     */
    GPU,
    /** The GPU when a GPU engine is usable and lists a device, else the CPU (silently). */
    AUTO;

    /** Parses {@code cpu|gpu|auto} (any case); anything else is a one-line IllegalArgumentException. */
    public static Device parse(String name) {
        if (name != null) {
            for (Device d : values()) if (d.name().equalsIgnoreCase(name.strip())) return d;
        }
        throw new IllegalArgumentException("unknown device '" + name + "': use cpu, gpu or auto");
    }
}
