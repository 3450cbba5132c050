package io.github.lfm4j.bench.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Finds the engine provider for a device: the built-in CPU engine, or an {@link EngineProvider} registered with
 * {@link ServiceLoader} (how the TornadoVM GPU engine joins). Asking for a device nobody provides is an error that
 * says what is missing, never a silent fallback: GPU numbers must come from a GPU.
 */
public final class Engines {
    private Engines() {}

    public static EngineProvider provider(Device device) {
        if (device == Device.CPU) return new CpuEngine.Provider();
        for (EngineProvider p : ServiceLoader.load(EngineProvider.class)) {
            if (p.device() == device) return p;
        }
        throw new IllegalArgumentException(missingEngineMessage(device, tornadoVmSdk()));
    }

    static String missingEngineMessage(Device device, Path sdk) {
        String what = "no " + device.name() + " engine: ";
        if (sdk == null) {
            return what + "TornadoVM SDK not found (set TORNADOVM_HOME or install it in /opt/tornadovm, then build"
                    + " with the tornadovm profile and run with --device gpu)";
        }
        return what + "TornadoVM SDK found at " + sdk + ", but this lfm4j build contains no GPU engine";
    }

    /** The TornadoVM SDK the build profiles would use: TORNADOVM_HOME, else /opt/tornadovm; null when absent. */
    static Path tornadoVmSdk() {
        String home = System.getenv("TORNADOVM_HOME");
        Path sdk = home != null && !home.isBlank() ? Path.of(home) : Path.of("/opt/tornadovm");
        return Files.isDirectory(sdk.resolve("share/java/tornado")) ? sdk : null;
    }
}
