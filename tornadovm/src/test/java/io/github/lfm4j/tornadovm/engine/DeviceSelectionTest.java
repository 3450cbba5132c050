package io.github.lfm4j.tornadovm.engine;

import io.github.lfm4j.runner.engine.spi.DeviceChoice;
import io.github.lfm4j.runner.engine.spi.GpuDevice;
import io.github.lfm4j.runner.engine.spi.GpuEngines;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider's device kinds as TornadoVM reports them, and loading onto a named device. */
class DeviceSelectionTest {

    @Test
    void devicesCarryTheirKindAndTheBestIsLoadable() {
        List<GpuDevice> devices = GpuEngines.require().devices();
        GpuDevice best = DeviceChoice.best(devices).orElseThrow();
        System.out.println("devices: " + devices + "; best " + best.id());
        // PoCL here: an OpenCL device of type CPU, which --device gpu accepts and --device auto leaves alone
        if (devices.stream().allMatch(d -> d.kind() == GpuDevice.Kind.CPU)) {
            assertTrue(DeviceChoice.forAuto(devices).isEmpty());
        }
        assertEquals(GpuDevice.Kind.GPU, TornadoEngineProvider.kind(uk.ac.manchester.tornado.api.enums.TornadoDeviceType.GPU));
        assertEquals(GpuDevice.Kind.CPU, TornadoEngineProvider.kind(uk.ac.manchester.tornado.api.enums.TornadoDeviceType.CPU));
    }

    @Test
    void unknownDeviceIdIsOneLine() {
        for (String id : new String[]{"7:0", "0:99", "x", "0:0:0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuEngines.require()
                    .load(EngineVsCpuTest.fixture("tiny-f32.gguf"), id, 16, m -> {}));
            assertEquals("no TornadoVM device " + id + " (see lfm4j devices)", e.getMessage());
        }
    }
}
