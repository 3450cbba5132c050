package io.github.lfm4j.model.synth;

import io.github.lfm4j.model.gguf.GGMLType;

import java.util.List;
import java.util.Locale;

/**
 * What the matrices of a synthetic model are stored as, by the names {@code lfm4j synth --type} takes: one ggml type
 * for all of them ({@code q4_0}, {@code f16}, {@code q4_k}, ...), or a llama-quantize K-quant preset ({@code q4_k_m},
 * {@code q5_k_m}, {@code q6_k}) that picks a type per tensor. Norm weights and short-convolution kernels stay F32
 * either way, as in llama.cpp's files.
 */
public sealed interface SynthType {

    /** The name in upper case, as llama.cpp prints it: {@code Q8_0}, {@code Q4_K_M}. */
    String name();

    /** The name in lower case, as the command line and cache file names spell it. */
    default String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** llama.h's llama_ftype, written as {@code general.file_type}. */
    int fileType();

    boolean quantized();

    /** The type of each matrix ({@code names.get(k)}, rows of {@code cols.get(k)} values) of a {@code blockCount}-block model. */
    List<GGMLType> matrixTypes(List<String> names, List<Long> cols, int blockCount);

    /**
     * {@code q4_k_m}, {@code q5_k_m}, {@code q6_k} (the presets; all-Q6_K with the usual fallbacks is what the Q6_K
     * preset gives LFM2) or any type {@link SyntheticModel#canWrite}, in any case.
     *
     * @throws IllegalArgumentException with a one-line message for anything else
     */
    static SynthType parse(String s) {
        KQuantPreset preset = KQuantPreset.byName(s);
        if (preset != null) return new Preset(preset);
        GGMLType type;
        try {
            type = GGMLType.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown tensor type '" + s + "'");
        }
        if (!SyntheticModel.canWrite(type)) {
            throw new IllegalArgumentException("cannot write synthetic models of type " + s.toLowerCase(Locale.ROOT));
        }
        return new Uniform(type);
    }

    /** Every matrix as {@code type}, where its rows hold whole blocks of it, else llama-quantize's fallback. */
    record Uniform(GGMLType type) implements SynthType {
        public Uniform {
            if (!SyntheticModel.canWrite(type)) {
                throw new IllegalArgumentException("cannot write synthetic models of type " + type
                        + " (supported: f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q2_k, q3_k, q4_k, q5_k, q6_k)");
            }
        }

        @Override
        public String name() {
            return type.name();
        }

        @Override
        public int fileType() {
            return SyntheticModel.fileType(type);
        }

        @Override
        public boolean quantized() {
            return type.isQuantized();
        }

        @Override
        public List<GGMLType> matrixTypes(List<String> names, List<Long> cols, int blockCount) {
            return cols.stream().map(c -> SyntheticModel.storedType(type, c)).toList();
        }
    }

    /** A llama-quantize preset's per-tensor mix ({@link KQuantPreset}). */
    record Preset(KQuantPreset preset) implements SynthType {
        @Override
        public String name() {
            return preset.name();
        }

        @Override
        public int fileType() {
            return preset.fileType;
        }

        @Override
        public boolean quantized() {
            return true;
        }

        @Override
        public List<GGMLType> matrixTypes(List<String> names, List<Long> cols, int blockCount) {
            return preset.types(names, cols, blockCount);
        }
    }
}
