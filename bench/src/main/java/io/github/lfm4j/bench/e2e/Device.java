package io.github.lfm4j.bench.e2e;

import java.util.Locale;

/** Where an engine runs the model. */
public enum Device {
    CPU, GPU;

    /** Lower-case name as used on the command line and in reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Device parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "cpu" -> CPU;
            case "gpu" -> GPU;
            default -> throw new IllegalArgumentException("unknown device '" + s + "' (known: cpu, gpu)");
        };
    }
}
