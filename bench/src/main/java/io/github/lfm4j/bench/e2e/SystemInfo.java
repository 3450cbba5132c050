package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.kernels.cpu.VectorWidth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Where the numbers were measured: CPU model, processors, the CPU kernels' vector width (256 or 128 bits, see
 * {@link VectorWidth}: on 128-bit machines such as ARM NEON the kernels take twice the vector instructions), JVM,
 * and when.
 */
public record SystemInfo(String cpu, int processors, int vectorBits, String javaVersion, String vm, String os,
                         String date) {

    public static SystemInfo current() {
        return new SystemInfo(cpuModel(), Runtime.getRuntime().availableProcessors(), VectorWidth.bits(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** "model name" of the first processor in /proc/cpuinfo (Linux), else os.arch. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
