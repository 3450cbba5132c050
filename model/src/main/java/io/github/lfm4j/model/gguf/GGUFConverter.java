package io.github.lfm4j.model.gguf;

import io.github.lfm4j.model.quant.Dequantizer;
import io.github.lfm4j.model.quant.Quantizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Writes a model (a GGUF file, or a Hugging Face checkpoint's GGUF view) as a new GGUF file with its matrices in one
 * type, as llama.cpp's {@code convert_hf_to_gguf.py --outtype} does: every metadata entry carried over (with
 * {@code general.file_type} set for the new type), vectors and the conv taps as F32, the projection and embedding
 * matrices as the type asked for. Rows are decoded and re-encoded one at a time, so memory stays at one row.
 */
public final class GGUFConverter {
    private GGUFConverter() {}

    /** The types {@code convert} writes. */
    public static final Set<GGMLType> TYPES = Set.of(GGMLType.F32, GGMLType.F16, GGMLType.BF16, GGMLType.Q8_0, GGMLType.Q4_0);

    /** Matrices (by GGUF name suffix) that take the requested type; the rest are small and kept exact as F32. */
    private static final Set<String> MATRICES = Set.of("token_embd.weight", "output.weight", "attn_q.weight", "attn_k.weight",
            "attn_v.weight", "attn_output.weight", "ffn_gate.weight", "ffn_up.weight", "ffn_down.weight",
            "shortconv.in_proj.weight", "shortconv.out_proj.weight");

    public static GGMLType parseType(String name) {
        for (GGMLType t : TYPES) if (t.name().equalsIgnoreCase(name)) return t;
        throw new IllegalArgumentException("unknown output type '" + name + "' (f32, f16, bf16, q8_0 or q4_0)");
    }

    /** The type {@code name} is written as: the requested type for matrices whose rows fit its blocks, else F32. */
    public static GGMLType targetType(GGUFTensorInfo t, GGMLType type) {
        String suffix = t.name().startsWith("blk.") ? t.name().substring(t.name().indexOf('.', 4) + 1) : t.name();
        boolean matrix = t.dims().length == 2 && MATRICES.contains(suffix);
        return matrix && t.cols() % type.blockSize == 0 ? type : GGMLType.F32;
    }

    public static void convert(GGUFFile source, GGMLType type, Path out) throws IOException {
        if (!TYPES.contains(type)) throw new IllegalArgumentException("cannot convert to " + type);
        GGUFWriter w = new GGUFWriter();
        w.putAll(source.metadata());
        w.put("general.file_type", GGUFValue.uint32(fileType(type)));
        if (!source.has("general.quantization_version")) w.put("general.quantization_version", GGUFValue.uint32(2));
        for (GGUFTensorInfo info : source.tensorInfos()) {
            GGMLType target = targetType(info, type);
            Tensor t = source.tensor(info.name());
            w.addTensor(info.name(), target, info.dims(), out2 -> {
                byte[] encoded = new byte[Math.toIntExact(target.byteSize(info.cols()))];
                encodeRows(t, target, (r, row) -> {
                    Quantizer.quantize(target, row, 0, row.length, encoded, 0);
                    out2.write(encoded);
                });
            });
        }
        w.write(out);
    }

    /** Receives one decoded row at a time (the array is reused). */
    @FunctionalInterface
    interface RowSink {
        void accept(long row, float[] values) throws IOException;
    }

    /** Decodes {@code t} row by row into {@code sink}. */
    static void encodeRows(Tensor t, GGMLType target, RowSink sink) throws IOException {
        int cols = Math.toIntExact(t.cols());
        float[] row = new float[cols];
        long rowBytes = t.type().byteSize(cols);
        for (long r = 0; r < t.rows(); r++) {
            Dequantizer.dequantize(t.type(), t.data(), r * rowBytes, row, 0, cols);
            sink.accept(r, row);
        }
    }

    /** llama.h's llama_ftype for a file whose matrices are {@code type}. */
    public static int fileType(GGMLType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("no llama file type for " + type);
        };
    }
}
