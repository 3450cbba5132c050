package io.github.lfm4j.runner.cli;

import io.github.lfm4j.runner.engine.spi.DeviceChoice;
import io.github.lfm4j.runner.engine.spi.GpuDevice;
import io.github.lfm4j.runner.engine.spi.GpuEngineProvider;
import io.github.lfm4j.runner.engine.spi.GpuEngines;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code lfm4j devices}: where models can run. The CPU always; GPU devices with their memory when the build includes
 * a GPU engine and the JVM was started with its runtime (otherwise one line saying what is missing).
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the devices lfm4j can run models on (CPU, and GPUs when the TornadoVM engine is present).")
public final class DevicesCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Runtime rt = Runtime.getRuntime();
        out.printf("cpu      %d threads, heap limit %d MiB%n", rt.availableProcessors(), rt.maxMemory() >> 20);
        Optional<GpuEngineProvider> provider = GpuEngines.provider();
        if (provider.isEmpty()) {
            out.println("gpu      none: this build has no GPU engine (build with TORNADOVM_HOME set to a TornadoVM SDK)");
        } else if (!provider.get().available()) {
            out.println("gpu      none: " + provider.get().unavailableReason());
        } else {
            List<GpuDevice> devices = provider.get().devices();
            if (devices.isEmpty()) out.println("gpu      none: " + provider.get().name() + " found no device");
            GpuDevice best = DeviceChoice.best(devices).orElse(null);
            for (GpuDevice d : devices) {
                out.printf("gpu %-4s %s, %s, %s device%s%s%n", d.id(), d.name(),
                        d.memoryBytes() > 0 ? (d.memoryBytes() >> 20) + " MiB" : "memory unknown",
                        d.kind().name().toLowerCase(Locale.ROOT),
                        d.isDefault() ? " (default, " + provider.get().name() + ")" : "",
                        d.equals(best) ? (DeviceChoice.forAuto(devices).isPresent() ? " [--device gpu|auto]"
                                : " [--device gpu; auto takes the cpu]") : "");
            }
        }
        out.flush();
    }
}
