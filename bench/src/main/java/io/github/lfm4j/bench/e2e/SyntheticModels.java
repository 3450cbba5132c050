package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.model.synth.SynthShape;
import io.github.lfm4j.model.synth.SynthType;
import io.github.lfm4j.model.synth.SyntheticModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/**
 * Synthetic models by name ({@code <preset>-<type>}, e.g. {@code 1.2b-q4_0}, {@code tiny-q8_0}, {@code 1.2b-q4_k_m};
 * the type is any {@code lfm4j synth --type}), generated once into a cache directory and reused: the 1.2B model
 * takes tens of seconds to write, the benchmark itself should not.
 */
public final class SyntheticModels {
    /** Fixed so that every cached file and every report refer to the same weights. */
    public static final long SEED = 42;

    private SyntheticModels() {}

    /** {@code $XDG_CACHE_HOME/lfm4j/synthetic}, else {@code ~/.cache/lfm4j/synthetic}. */
    public static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("lfm4j").resolve("synthetic");
    }

    /** A parsed name: the shape preset and the matrix type (or type mix). */
    public record Spec(SynthShape shape, SynthType type) {
        public String fileName() {
            return shape.name() + "-" + type.label() + "-seed" + SEED + ".gguf";
        }
    }

    public static Spec parse(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            throw new IllegalArgumentException("synthetic model name '" + name
                    + "' is not <preset>-<type> (e.g. 1.2b-q4_0, tiny-q8_0)");
        }
        SynthShape shape = SynthShape.preset(name.substring(0, dash));
        try {
            return new Spec(shape, SynthType.parse(name.substring(dash + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " in '" + name + "'");
        }
    }

    /**
     * The cached file for {@code name}, written first if absent (under a temporary name, then renamed, so an
     * interrupted run never leaves a truncated model in the cache).
     *
     * @param log told once when a model is generated
     */
    public static Path obtain(String name, Path cacheDir, Consumer<String> log) {
        Spec spec = parse(name);
        Path file = cacheDir.resolve(spec.fileName());
        if (Files.isRegularFile(file)) return file;
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create cache directory " + cacheDir + ": " + e.getMessage());
        }
        log.accept("generating synthetic model " + name + " into " + file + " (once; later runs reuse it)");
        Path tmp = cacheDir.resolve(spec.fileName() + "." + ProcessHandle.current().pid() + ".part");
        try {
            SyntheticModel.write(tmp, spec.shape(), spec.type(), SEED, null, Runtime.getRuntime().availableProcessors());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the error being reported matters more
            }
        }
    }
}
