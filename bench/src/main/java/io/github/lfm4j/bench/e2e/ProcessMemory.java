package io.github.lfm4j.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Peak resident set of this process, from Linux's /proc (empty elsewhere). */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status"), CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {}

    /** VmHWM: the highest resident set size since the process started or the last {@link #resetPeak()}. */
    public static OptionalLong peakRssBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) return OptionalLong.of(parseKiloBytes(line));
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: the report shows n.a.
        }
        return OptionalLong.empty();
    }

    /** "VmHWM:	  123456 kB" to bytes. */
    static long parseKiloBytes(String line) {
        String v = line.substring(line.indexOf(':') + 1).strip();
        if (!v.endsWith("kB")) throw new IllegalArgumentException("unexpected /proc/self/status line: " + line);
        return Long.parseLong(v.substring(0, v.length() - 2).strip()) * 1024;
    }

    /**
     * Resets the peak to the current resident set (writing 5 to clear_refs, Linux 4.0+), so each engine's peak is
     * its own; returns false where that is not possible.
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
