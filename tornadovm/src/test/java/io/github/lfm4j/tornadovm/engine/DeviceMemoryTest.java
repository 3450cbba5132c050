package io.github.lfm4j.tornadovm.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeviceMemoryTest {
    static final long MIB = 1 << 20;

    @Test
    void modelLargerThanTheDeviceIsAOneLineError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DeviceMemory.check(
                1300 * MIB, 1200 * MIB, 96 * MIB, 4096, 130 * MIB, "gpu0", 1024 * MIB, 256 * MIB));
        assertEquals("the model needs 1300 MiB of device memory (weights 1200 MiB, KV cache 96 MiB for 4096 tokens) "
                + "but gpu0 has 1024 MiB; use a smaller model or context", e.getMessage());
    }

    @Test
    void bufferLargerThanTheDeviceAllowsIsAOneLineError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DeviceMemory.check(
                300 * MIB, 200 * MIB, 96 * MIB, 4096, 130 * MIB, "gpu0", 1024 * MIB, 128 * MIB));
        assertEquals("the model needs a device buffer of 130 MiB but gpu0 allows at most 128 MiB per buffer",
                e.getMessage());
    }

    @Test
    void fittingModelsAndUnknownLimitsPass() {
        assertDoesNotThrow(() -> DeviceMemory.check(1024 * MIB, 900 * MIB, 96 * MIB, 4096, 128 * MIB, "gpu0",
                1024 * MIB, 128 * MIB));
        assertDoesNotThrow(() -> DeviceMemory.check(1L << 40, 1L << 40, 0, 1, 1L << 40, "gpu0", 0, -1));
    }
}
