package io.github.lfm4j.model.synth;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFValueType;
import io.github.lfm4j.model.gguf.GGUFWriter;
import io.github.lfm4j.model.quant.Quantizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes LFM2 GGUF files with random weights of any shape, laid out as llama.cpp's converter writes real LFM2
 * models: the same metadata keys and types, the same tensor names and order, 1-D norm weights and the short
 * convolution kernels kept F32, every matrix in the requested type or, for a llama-quantize preset such as Q4_K_M,
 * in the type llama-quantize gives it ({@link SynthType}).
 *
 * <p>Weights are seeded and reproducible (the same seed gives the same bytes whatever the thread count). Matrices
 * are N(0, 1/cols) (0.022 for a 2048-wide model: the usual ~0.02 init), which keeps each projection's output at
 * roughly unit scale after an RMS norm, so activations stay sane through many layers; norm weights are 1 + N(0, 0.02).
 * Tensor data is generated and quantized in chunks while it is written, on {@code threads} threads, so even the
 * 1.2B model never sits on the heap.
 */
public final class SyntheticModel {
    private SyntheticModel() {}

    /** The matrix types the generator can write (everything {@link Quantizer} can produce). */
    public static boolean canWrite(GGMLType type) {
        return Quantizer.canQuantize(type);
    }

    /** Writes with all available processors. {@code chatTemplate} may be null (no tokenizer.chat_template). */
    public static void write(Path file, SynthShape shape, GGMLType type, long seed, String chatTemplate) throws IOException {
        write(file, shape, type, seed, chatTemplate, Runtime.getRuntime().availableProcessors());
    }

    /** Every matrix as {@code type} (where its rows fit the type's blocks; see {@link #storedType}). */
    public static void write(Path file, SynthShape shape, GGMLType type, long seed, String chatTemplate, int threads)
            throws IOException {
        write(file, shape, new SynthType.Uniform(type), seed, chatTemplate, threads);
    }

    /** Matrices typed as {@code type} says: one type for all, or a llama-quantize preset's per-tensor mix. */
    public static void write(Path file, SynthShape shape, SynthType type, long seed, String chatTemplate, int threads)
            throws IOException {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
        GGUFWriter w = new GGUFWriter();
        putMetadata(w, shape, type, chatTemplate);
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lfm4j-synth");
            t.setDaemon(true);
            return t;
        }) : null;
        try {
            List<TensorPlan> plan = plan(shape, type);
            for (int i = 0; i < plan.size(); i++) {
                TensorPlan p = plan.get(i);
                w.addTensor(p.name, p.type, p.dims, new GeneratedTensor(seed, i, p, pool, threads));
            }
            w.write(file);
        } finally {
            if (pool != null) pool.shutdownNow();
        }
    }

    /** One tensor to generate: values mean + std * N(0, 1)-ish, stored as {@code type}. */
    record TensorPlan(String name, long[] dims, GGMLType type, float mean, float std) {
        long cols() {
            return dims[0];
        }

        long rows() {
            long r = 1;
            for (int i = 1; i < dims.length; i++) r *= dims[i];
            return r;
        }
    }

    /**
     * Tensor names, shapes and order as in llama.cpp's LFM2 GGUF files (and the shared fixtures); the matrices' types
     * as {@code type} chooses them.
     */
    static List<TensorPlan> plan(SynthShape s, SynthType type) {
        List<TensorPlan> p = layout(s);
        List<Integer> matrices = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) if (p.get(i).type() == null) matrices.add(i);
        List<GGMLType> types = type.matrixTypes(matrices.stream().map(i -> p.get(i).name()).toList(),
                matrices.stream().map(i -> p.get(i).cols()).toList(), s.layers());
        for (int k = 0; k < matrices.size(); k++) {
            TensorPlan m = p.get(matrices.get(k));
            p.set(matrices.get(k), new TensorPlan(m.name(), m.dims(), types.get(k), m.mean(), m.std()));
        }
        return p;
    }

    /** The tensors in file order, matrices with a null type (for {@link SynthType} to fill in). */
    private static List<TensorPlan> layout(SynthShape s) {
        List<TensorPlan> p = new ArrayList<>();
        int d = s.dim(), hd = s.headDim();
        p.add(matrix("token_embd.weight", d, s.vocabSize()));
        p.add(norm("token_embd_norm.weight", d));
        for (int i = 0; i < s.layers(); i++) {
            String b = "blk." + i + ".";
            p.add(norm(b + "attn_norm.weight", d));
            p.add(norm(b + "ffn_norm.weight", d));
            p.add(matrix(b + "ffn_gate.weight", d, s.ffnDim()));
            p.add(matrix(b + "ffn_up.weight", d, s.ffnDim()));
            p.add(matrix(b + "ffn_down.weight", s.ffnDim(), d));
            if (s.isAttention(i)) {
                p.add(matrix(b + "attn_q.weight", d, s.heads() * hd));
                p.add(matrix(b + "attn_k.weight", d, s.kvHeads() * hd));
                p.add(matrix(b + "attn_v.weight", d, s.kvHeads() * hd));
                p.add(matrix(b + "attn_output.weight", s.heads() * hd, d));
                p.add(norm(b + "attn_q_norm.weight", hd));
                p.add(norm(b + "attn_k_norm.weight", hd));
            } else {
                // the depthwise causal conv kernel: convCache taps per channel, F32 like every 1-D-ish weight
                p.add(new TensorPlan(b + "shortconv.conv.weight", new long[]{s.convCache(), d}, GGMLType.F32, 0f,
                        (float) (1 / Math.sqrt(s.convCache()))));
                p.add(matrix(b + "shortconv.in_proj.weight", d, 3L * d));
                p.add(matrix(b + "shortconv.out_proj.weight", d, d));
            }
        }
        return p;
    }

    private static TensorPlan matrix(String name, long cols, long rows) {
        return new TensorPlan(name, new long[]{cols, rows}, null, 0f, (float) (1 / Math.sqrt(cols)));
    }

    private static TensorPlan norm(String name, long n) {
        return new TensorPlan(name, new long[]{n}, GGMLType.F32, 1f, 0.02f);
    }

    /**
     * The type a matrix with rows of {@code cols} values gets: the requested one, or when rows are not a whole number
     * of 256-value K-quant blocks, llama-quantize's fallback (Q2_K and Q3_K to Q4_0, Q4_K to Q5_0, Q5_K to Q5_1,
     * Q6_K to Q8_0).
     */
    static GGMLType storedType(GGMLType requested, long cols) {
        if (cols % requested.blockSize == 0) return requested;
        GGMLType fallback = switch (requested) {
            case Q2_K, Q3_K -> GGMLType.Q4_0;
            case Q4_K -> GGMLType.Q5_0;
            case Q5_K -> GGMLType.Q5_1;
            case Q6_K -> GGMLType.Q8_0;
            default -> throw new IllegalArgumentException("rows of " + cols + " values cannot be stored as " + requested);
        };
        if (cols % fallback.blockSize != 0) {
            throw new IllegalArgumentException("rows of " + cols + " values cannot be stored as " + requested + " or " + fallback);
        }
        return fallback;
    }

    /**
     * llama_ftype of a file whose matrices are all {@code type} (llama.h); K-quants map to their "_S" variants (Q2_K to
     * MOSTLY_Q2_K: its "_S" variant is the one needing an importance matrix).
     */
    static int fileType(GGMLType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q8_0 -> 7;
            case Q5_0 -> 8;
            case Q5_1 -> 9;
            case Q2_K -> 10;
            case Q3_K -> 11;
            case Q4_K -> 14;
            case Q5_K -> 16;
            case Q6_K -> 18;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("no llama file type for " + type);
        };
    }

    private static void putMetadata(GGUFWriter w, SynthShape s, SynthType type, String chatTemplate) {
        SyntheticVocabulary v = SyntheticVocabulary.load().paddedTo(s.vocabSize());
        w.putString("general.architecture", "lfm2");
        w.putString("general.name", "synthetic-lfm2-" + s.name());
        w.putUInt32("general.file_type", type.fileType());
        if (type.quantized()) w.putUInt32("general.quantization_version", 2);
        w.putUInt32("lfm2.context_length", s.contextLength());
        w.putUInt32("lfm2.embedding_length", s.dim());
        w.putUInt32("lfm2.block_count", s.layers());
        w.putUInt32("lfm2.feed_forward_length", s.ffnDim());
        w.putUInt32("lfm2.attention.head_count", s.heads());
        w.putArray("lfm2.attention.head_count_kv", GGUFValueType.INT32, s.kvHeadsPerLayer());
        w.putFloat32("lfm2.rope.freq_base", s.ropeTheta());
        w.putFloat32("lfm2.attention.layer_norm_rms_epsilon", s.rmsEps());
        w.putUInt32("lfm2.vocab_size", s.vocabSize());
        w.putUInt32("lfm2.shortconv.l_cache", s.convCache());
        w.putString("tokenizer.ggml.model", "gpt2");
        w.putString("tokenizer.ggml.pre", "lfm2");
        w.putArray("tokenizer.ggml.tokens", GGUFValueType.STRING, v.tokens());
        w.putArray("tokenizer.ggml.token_type", GGUFValueType.INT32, v.tokenTypes());
        w.putArray("tokenizer.ggml.merges", GGUFValueType.STRING, v.merges());
        w.putUInt32("tokenizer.ggml.bos_token_id", v.bosId());
        w.putUInt32("tokenizer.ggml.eos_token_id", v.eosId());
        w.putUInt32("tokenizer.ggml.padding_token_id", v.padId());
        w.putBool("tokenizer.ggml.add_bos_token", true);
        if (chatTemplate != null) w.putString("tokenizer.chat_template", chatTemplate);
    }
}
