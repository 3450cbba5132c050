package io.github.lfm4j.runner.api;

import io.github.lfm4j.runner.engine.spi.GpuDevice;
import io.github.lfm4j.runner.engine.spi.GpuEngineProvider;
import io.github.lfm4j.runner.engine.spi.GpuModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code --device auto} picks, with fake GPU engines offering made-up devices. */
class AutoDeviceTest {

    /** A GPU engine that lists {@code devices} (or fails to) and never loads anything. */
    record FakeProvider(boolean available, List<GpuDevice> devices, boolean listingFails) implements GpuEngineProvider {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String unavailableReason() {
            return available ? "" : "fake runtime missing";
        }

        @Override
        public List<GpuDevice> devices() {
            if (listingFails) throw new IllegalStateException("driver error");
            return devices;
        }

        @Override
        public GpuModel load(Path model, String deviceId, int context, Consumer<String> notices) {
            throw new UnsupportedOperationException();
        }
    }

    private static final GpuDevice CPU_CL = new GpuDevice("0:0", "pocl", 1 << 30, true, GpuDevice.Kind.CPU);
    private static final GpuDevice GPU = new GpuDevice("1:0", "a gpu", 1 << 30, false, GpuDevice.Kind.GPU);

    private static Optional<GpuDevice> auto(GpuEngineProvider p, List<String> notices) {
        return LoadedEngine.autoDevice(Optional.ofNullable(p), notices::add);
    }

    @Test
    void takesARealGpuSilently() {
        List<String> notices = new ArrayList<>();
        assertEquals(Optional.of(GPU), auto(new FakeProvider(true, List.of(CPU_CL, GPU), false), notices));
        assertEquals(List.of(), notices);
    }

    @Test
    void onlyCpuDevicesMeansTheCpuEngineWithOneNotice() {
        List<String> notices = new ArrayList<>();
        assertEquals(Optional.empty(), auto(new FakeProvider(true, List.of(CPU_CL), false), notices));
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).startsWith("lfm4j: --device auto: fake offers only CPU devices (pocl)"),
                notices.get(0));
    }

    @Test
    void noUsableEngineIsTheCpuSilently() {
        List<String> notices = new ArrayList<>();
        assertEquals(Optional.empty(), auto(null, notices));
        assertEquals(Optional.empty(), auto(new FakeProvider(false, List.of(GPU), false), notices));
        assertEquals(Optional.empty(), auto(new FakeProvider(true, List.of(GPU), true), notices));
        assertEquals(Optional.empty(), auto(new FakeProvider(true, List.of(), false), notices));
        assertEquals(List.of(), notices);
    }
}
