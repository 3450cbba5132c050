package io.github.lfm4j.runner.engine.spi;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.github.lfm4j.runner.engine.spi.GpuDevice.Kind.ACCELERATOR;
import static io.github.lfm4j.runner.engine.spi.GpuDevice.Kind.CPU;
import static io.github.lfm4j.runner.engine.spi.GpuDevice.Kind.GPU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Device choice on made-up device lists. */
class DeviceChoiceTest {
    static GpuDevice device(String id, GpuDevice.Kind kind, long mib, boolean isDefault) {
        return new GpuDevice(id, "dev " + id, mib << 20, isDefault, kind);
    }

    private static final GpuDevice POCL = device("0:0", CPU, 20_000, true);
    private static final GpuDevice SMALL_GPU = device("1:0", GPU, 4_000, false);
    private static final GpuDevice BIG_GPU = device("1:1", GPU, 24_000, false);
    private static final GpuDevice FPGA = device("2:0", ACCELERATOR, 64_000, false);

    @Test
    void gpuBeatsTheDefaultCpuDeviceAndAccelerators() {
        assertEquals(Optional.of(BIG_GPU), DeviceChoice.best(List.of(POCL, FPGA, SMALL_GPU, BIG_GPU)));
        assertEquals(Optional.of(BIG_GPU), DeviceChoice.forAuto(List.of(POCL, FPGA, SMALL_GPU, BIG_GPU)));
        assertEquals(Optional.of(FPGA), DeviceChoice.best(List.of(POCL, FPGA)));
    }

    @Test
    void amongEqualKindsTheDefaultThenTheMostMemory() {
        GpuDevice defaultGpu = device("0:0", GPU, 2_000, true);
        assertEquals(Optional.of(defaultGpu), DeviceChoice.best(List.of(BIG_GPU, defaultGpu)));
        assertEquals(Optional.of(BIG_GPU), DeviceChoice.best(List.of(SMALL_GPU, BIG_GPU)));
    }

    @Test
    void aCpuDeviceServesGpuButNotAuto() {
        assertEquals(Optional.of(POCL), DeviceChoice.best(List.of(POCL)));
        assertEquals(Optional.empty(), DeviceChoice.forAuto(List.of(POCL)));
        String notice = DeviceChoice.autoFallbackNotice("tornadovm", List.of(POCL)).orElseThrow();
        assertEquals("lfm4j: --device auto: tornadovm offers only CPU devices (dev 0:0), where the CPU engine is "
                + "faster; using the CPU engine (--device gpu forces tornadovm)", notice);
        assertEquals(Optional.empty(), DeviceChoice.autoFallbackNotice("tornadovm", List.of(POCL, SMALL_GPU)));
    }

    @Test
    void noDevicesNoChoiceAndNoNotice() {
        assertTrue(DeviceChoice.best(List.of()).isEmpty());
        assertTrue(DeviceChoice.forAuto(List.of()).isEmpty());
        assertTrue(DeviceChoice.autoFallbackNotice("tornadovm", List.of()).isEmpty());
    }
}
