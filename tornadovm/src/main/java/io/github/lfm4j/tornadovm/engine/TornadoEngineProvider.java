package io.github.lfm4j.tornadovm.engine;

import io.github.lfm4j.runner.engine.spi.GpuDevice;
import io.github.lfm4j.runner.engine.spi.GpuEngineProvider;
import io.github.lfm4j.runner.engine.spi.GpuModel;
import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The TornadoVM engine as the runner's GPU engine (registered in META-INF/services). TornadoVM works only in a JVM
 * started with the SDK's arguments ({@code @$TORNADOVM_HOME/tornado-argfile}); this class touches TornadoVM only
 * after checking that, so a build including it still runs everywhere on the CPU.
 */
public final class TornadoEngineProvider implements GpuEngineProvider {

    @Override
    public String name() {
        return "tornadovm";
    }

    @Override
    public boolean available() {
        return unavailableReason().isEmpty();
    }

    @Override
    public String unavailableReason() {
        // the SDK's argfile names TornadoVM's implementation classes; without it the runtime cannot start
        if (System.getProperty("tornado.load.api.implementation") == null) {
            return "GPU engine needs the TornadoVM runtime: start the JVM with @$TORNADOVM_HOME/tornado-argfile "
                    + "(./lfm4j does this for --device gpu|auto when TORNADOVM_HOME points at an SDK)";
        }
        try {
            Class.forName("uk.ac.manchester.tornado.api.TornadoExecutionPlan");
            return "";
        } catch (ClassNotFoundException | LinkageError e) {
            return "GPU engine needs the TornadoVM runtime, but its classes are not loadable: " + e;
        }
    }

    private void requireAvailable() {
        String why = unavailableReason();
        if (!why.isEmpty()) throw new IllegalStateException(why);
    }

    @Override
    public List<GpuDevice> devices() {
        requireAvailable();
        List<GpuDevice> out = new ArrayList<>();
        List<TornadoBackend> backends = TornadoExecutionPlan.getTornadoDeviceMap().getAllBackends();
        for (int b = 0; b < backends.size(); b++) {
            TornadoBackend backend = backends.get(b);
            for (int d = 0; d < backend.getNumDevices(); d++) {
                TornadoDevice dev = backend.getDevice(d);
                out.add(new GpuDevice(b + ":" + d, dev.getDeviceName() + " (" + dev.getDescription() + ")",
                        Math.max(0, dev.getMaxGlobalMemory()), b == 0 && d == 0, kind(dev.getDeviceType())));
            }
        }
        return out;
    }

    static GpuDevice.Kind kind(TornadoDeviceType type) {
        return switch (type) {
            case GPU -> GpuDevice.Kind.GPU;
            case ACCELERATOR, FPGA -> GpuDevice.Kind.ACCELERATOR;
            case CPU -> GpuDevice.Kind.CPU;
            default -> GpuDevice.Kind.OTHER;
        };
    }

    @Override
    public GpuModel load(Path model, String deviceId, int context, Consumer<String> notices) {
        requireAvailable();
        return TornadoLfm2Engine.load(model, context, deviceId, notices);
    }
}
