package io.github.lfm4j.runner.cli;

import io.github.lfm4j.runner.engine.spi.GpuEngines;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without the TornadoVM module on the class path (the runner's own tests): the CPU only, and a clear GPU error. */
class DevicesCommandTest {

    @Test
    void listsTheCpuAndSaysWhyThereIsNoGpu() {
        CliRun r = CliRun.of("devices");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        assertTrue(lines[0].matches("cpu +" + Runtime.getRuntime().availableProcessors() + " threads, heap limit \\d+ MiB"),
                lines[0]);
        assertTrue(lines[1].startsWith("gpu      none: this build has no GPU engine"), lines[1]);
    }

    @Test
    void requiringTheGpuEngineFailsWithOneLine() {
        assertTrue(GpuEngines.provider().isEmpty());
        IllegalStateException e = assertThrows(IllegalStateException.class, GpuEngines::require);
        assertTrue(e.getMessage().startsWith("GPU engine needs TornadoVM"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }
}
