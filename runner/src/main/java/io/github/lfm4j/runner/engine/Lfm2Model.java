package io.github.lfm4j.runner.engine;

import io.github.lfm4j.model.ModelFiles;
import io.github.lfm4j.kernels.cache.KvCacheType;
import io.github.lfm4j.kernels.cpu.MatrixKernel;
import io.github.lfm4j.kernels.cpu.Parallel;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.Tensor;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.model.lfm2.Lfm2Weights;
import io.github.lfm4j.model.quant.Dequantizer;

import java.lang.foreign.Arena;
import java.nio.file.Path;

/**
 * A loaded LFM2 model: the memory-mapped GGUF file, its config, the matrix kernels prepared once per weight, and the
 * worker threads. Immutable after loading and shared by any number of {@link Session}s (one per conversation).
 * Only the small vectors (norm weights, conv taps, RoPE frequencies) are copied to the heap; the matrices stay mapped,
 * except those a faster kernel reads in another arrangement ({@link MatrixKernel#repacked}, Q4_0 on 256-bit
 * vectors, unless loaded with {@code repack} false): those are copied once, off the heap, and their pages of the
 * mapping are released, so the process holds each weight once either way.
 */
public final class Lfm2Model implements AutoCloseable {

    /** Weights of one block in the form the forward pass uses them. */
    record Layer(boolean attention, float[] attnNorm, float[] ffnNorm, MatrixKernel gate, MatrixKernel up,
                 MatrixKernel down,
                 // attention layers
                 MatrixKernel wq, MatrixKernel wk, MatrixKernel wv, MatrixKernel wo, float[] qNorm, float[] kNorm,
                 int kvHeads, int cacheIndex,
                 // conv layers: taps[j * dim + c] (transposed from GGUF's [c * convCache + j] so that the
                 // convolution vectorises over channels); tap convCache-1 multiplies the current position
                 MatrixKernel inProj, MatrixKernel outProj, float[] convTaps, int stateIndex) {}

    private final GGUFFile file;
    private final Lfm2Config config;
    private final Lfm2Weights weights;
    private final Layer[] layers;
    private final float[] outputNorm;
    private final MatrixKernel output;
    private final float[] ropeInvFreq;
    private final Parallel parallel;
    /** Holds the repacked matrices, closed with the model; null when loaded without repacking. */
    private final Arena repackedWeights;
    /** The embedding is read from the output kernel's own copy (tied and repacked), see {@link #embed}. */
    private final boolean embedFromOutput;

    private Lfm2Model(GGUFFile file, Parallel parallel, Arena repackedWeights) {
        this.file = file;
        this.parallel = parallel;
        this.repackedWeights = repackedWeights;
        this.config = Lfm2Config.from(file);
        this.weights = Lfm2Weights.load(file, config);
        this.layers = new Layer[config.layers()];
        int cacheIndex = 0, stateIndex = 0;
        for (int i = 0; i < layers.length; i++) {
            Lfm2Weights.Layer w = weights.layers()[i];
            if (w.isAttention()) {
                layers[i] = new Layer(true, vec(w.attnNorm()), vec(w.ffnNorm()), kernel(w.ffnGate()),
                        kernel(w.ffnUp()), kernel(w.ffnDown()), kernel(w.wq()),
                        kernel(w.wk()), kernel(w.wv()), kernel(w.wo()), vec(w.qNorm()),
                        vec(w.kNorm()), config.kvHeads()[i], cacheIndex++, null, null, null, -1);
            } else {
                layers[i] = new Layer(false, vec(w.attnNorm()), vec(w.ffnNorm()), kernel(w.ffnGate()),
                        kernel(w.ffnUp()), kernel(w.ffnDown()), null, null, null, null, null, null,
                        0, -1, kernel(w.convInProj()), kernel(w.convOutProj()), tapsByPosition(w.conv()),
                        stateIndex++);
            }
        }
        this.outputNorm = vec(weights.outputNorm());
        this.output = kernel(weights.output());
        this.embedFromOutput = weights.tiedOutput() && output.readsOwnCopy();
        int headDim = config.headDim();
        this.ropeInvFreq = new float[headDim / 2];
        for (int i = 0; i < ropeInvFreq.length; i++) {
            ropeInvFreq[i] = (float) Math.pow(config.ropeTheta(), -2.0 * i / headDim);
        }
    }

    /** Loads a model using all available processors. */
    public static Lfm2Model load(Path path) {
        return load(path, 0);
    }

    /** Loads a model, repacking the matrices that have a faster arrangement ({@link #load(Path, int, boolean)}). */
    public static Lfm2Model load(Path path, int threads) {
        return load(path, threads, true);
    }

    /**
     * Maps and validates the GGUF file at {@code path}.
     *
     * @param threads worker threads for the matrix products; below 1 means all available processors
     * @param repack  copy the matrices that have a faster kernel in another arrangement into it ({@link
     *                MatrixKernel#repacked}); false keeps every matrix memory-mapped as stored
     */
    public static Lfm2Model load(Path path, int threads, boolean repack) {
        return load(path, threads, repack, null);
    }

    /**
     * {@link #load(Path, int, boolean)} with a float model's matrices quantized in memory to {@code quantize}
     * (Q8_0 or Q4_0; null: as stored).
     */
    public static Lfm2Model load(Path path, int threads, boolean repack, GGMLType quantize) {
        GGUFFile f = ModelFiles.open(path, quantize);
        Arena arena = repack ? Arena.ofShared() : null;
        Parallel parallel = new Parallel(threads); // first: repacking uses the workers
        try {
            return new Lfm2Model(f, parallel, arena);
        } catch (RuntimeException | Error e) {
            parallel.close();
            if (arena != null) arena.close();
            f.close();
            throw e;
        }
    }

    /**
     * A new conversation state able to hold {@code contextLength} tokens (at most the model's trained context), with
     * the default {@link KvCacheType#DEFAULT f16} KV cache.
     */
    public Session newSession(int contextLength) {
        return newSession(contextLength, KvCacheType.DEFAULT, KvCacheType.DEFAULT);
    }

    /** Like {@link #newSession(int)} with keys stored as {@code keys} and values as {@code values}. */
    public Session newSession(int contextLength, KvCacheType keys, KvCacheType values) {
        return new Session(this, contextLength, Session.DEFAULT_BATCH, keys, values);
    }

    /** Like {@link #newSession(int)} with an explicit prefill batch size (tokens per matrix-matrix product). */
    public Session newSession(int contextLength, int batchSize) {
        return newSession(contextLength, batchSize, KvCacheType.DEFAULT, KvCacheType.DEFAULT);
    }

    /** The general form: context, prefill batch size, and the KV cache's types. */
    public Session newSession(int contextLength, int batchSize, KvCacheType keys, KvCacheType values) {
        return new Session(this, contextLength, batchSize, keys, values);
    }

    public Lfm2Config config() {
        return config;
    }

    public Lfm2Weights weights() {
        return weights;
    }

    public GGUFFile file() {
        return file;
    }

    public int threads() {
        return parallel.threads();
    }

    Layer layer(int i) {
        return layers[i];
    }

    float[] outputNorm() {
        return outputNorm;
    }

    MatrixKernel output() {
        return output;
    }

    float[] ropeInvFreq() {
        return ropeInvFreq;
    }

    Parallel parallel() {
        return parallel;
    }

    /**
     * Token {@code token}'s embedding into {@code dst[off .. off + dim)}. From the output matrix's own copy when the
     * output is tied to the embedding and was repacked: reading the file's rows instead would map their pages again
     * (a long prompt touches most of them), holding that matrix twice (measured: peak RSS 1012 instead of 905 MiB
     * at 4k context). Same floats either way (the kernels decode exactly as {@link Dequantizer} does).
     */
    void embed(int token, float[] dst, int off) {
        if (embedFromOutput) {
            output.row(token, dst, off);
        } else {
            Tensor t = weights.tokenEmbedding();
            Dequantizer.dequantize(t.type(), t.data(), token * t.rowBytes(), dst, off, config.dim());
        }
    }

    /** True when loaded with repacking: matrices with a faster arrangement, if the file has any, were copied into it. */
    public boolean repacked() {
        return repackedWeights != null;
    }

    /** Stops the worker threads, frees repacked weights and unmaps the file; its sessions must not be used afterwards. */
    @Override
    public void close() {
        parallel.close();
        if (repackedWeights != null) repackedWeights.close();
        file.close();
    }

    /**
     * The kernel for one matrix. A repacked one reads its own copy, so the file's pages it was copied from are
     * released (MADV_DONTNEED, through {@code unload}); they come back from the page cache if anything reads the
     * tensor again (the token embedding, when the output matrix is tied to it, is read a row per token).
     */
    private MatrixKernel kernel(Tensor t) {
        if (repackedWeights == null) return MatrixKernel.of(t);
        MatrixKernel k = MatrixKernel.repacked(t, repackedWeights, parallel);
        if (k.readsOwnCopy() && t.data().isMapped()) t.data().unload();
        return k;
    }

    /** GGUF stores the conv weight as [convCache, dim] (each channel's taps contiguous); returns it tap-major. */
    private static float[] tapsByPosition(Tensor conv) {
        float[] w = vec(conv);
        int taps = Math.toIntExact(conv.cols()), channels = Math.toIntExact(conv.rows());
        float[] out = new float[w.length];
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < taps; j++) out[j * channels + c] = w[c * taps + j];
        }
        return out;
    }

    private static float[] vec(Tensor t) {
        return Dequantizer.dequantizeAll(t);
    }
}
