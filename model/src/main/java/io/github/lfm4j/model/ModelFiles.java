package io.github.lfm4j.model;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.QuantizedView;
import io.github.lfm4j.model.hf.HfCheckpoint;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place that turns a model path into a {@link GGUFFile}: a GGUF file as it is, or a Hugging Face
 * checkpoint directory as a GGUF view of it ({@link HfCheckpoint}). Everything that loads a model goes through here.
 */
public final class ModelFiles {
    private ModelFiles() {}

    /** Opens a GGUF file or a checkpoint directory (one-line errors for anything else). */
    public static GGUFFile open(Path path) {
        if (Files.isDirectory(path)) return HfCheckpoint.open(path);
        return GGUFFile.open(path);
    }

    /**
     * Like {@link #open(Path)}, with the matrices of a float model quantized in memory to {@code quantize}
     * ({@link QuantizedView}); null opens the model as stored.
     */
    public static GGUFFile open(Path path, GGMLType quantize) {
        GGUFFile f = open(path);
        if (quantize == null) return f;
        try (f) {
            return QuantizedView.of(f, quantize);
        }
    }

    /** A model may be at {@code path}: a regular file, or a directory with a config.json. */
    public static boolean exists(Path path) {
        return Files.isRegularFile(path) || HfCheckpoint.isCheckpoint(path);
    }

    /** Throws the one-line "model not found" error unless {@link #exists}. */
    public static void requireExists(Path path) {
        if (Files.isDirectory(path) && !HfCheckpoint.isCheckpoint(path)) {
            throw new IllegalArgumentException(path + ": a directory without config.json (neither a GGUF file nor a Hugging Face model)");
        }
        if (!exists(path)) throw new IllegalArgumentException("model file not found: " + path);
    }
}
