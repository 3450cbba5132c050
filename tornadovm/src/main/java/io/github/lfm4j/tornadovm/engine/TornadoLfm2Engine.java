package io.github.lfm4j.tornadovm.engine;

import io.github.lfm4j.model.ModelFiles;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.model.lfm2.Lfm2Weights;
import io.github.lfm4j.runner.engine.spi.GpuModel;
import io.github.lfm4j.runner.engine.spi.GpuProfile;
import io.github.lfm4j.tornadovm.kernels.AttentionKernels;
import io.github.lfm4j.tornadovm.kernels.ConvKernels;
import io.github.lfm4j.tornadovm.kernels.ElementwiseKernels;
import io.github.lfm4j.tornadovm.kernels.Int8Input;
import io.github.lfm4j.tornadovm.kernels.NormKernels;
import io.github.lfm4j.tornadovm.kernels.Step;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.TornadoProfilerResult;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An LFM2 model on a TornadoVM device, built once at load. The weights, the KV cache, the conv state, the RoPE
 * tables and every activation live on the device: weights are sent once (FIRST_EXECUTION) and nothing else is ever
 * copied back during generation. Per token only the step array (token id, position: 8 bytes) goes in, and either the
 * argmax token (4 bytes) or the logits come out.
 *
 * <p>The plan has a few {@code layersN} task graphs (embedding lookup and a run of blocks each, passing the residual
 * stream {@code x} on) and a {@code head} graph (final norm, logits, argmax), which takes {@code x} (and the tied
 * embedding) from the layer graphs without copies (persistOnDevice / consumeFromDevice). The layer graphs also hold
 * the prefill tasks of their blocks ({@link PrefillTasks}: matrix-matrix products over a chunk of up to
 * {@link #prefillBatch()} tokens), which share the decode tasks' weights, KV cache and conv state; the step array
 * says which half runs (see {@code Step.BATCH}), and a chunk's last residual row is copied into x for the head. The
 * device state is one conversation, driven through {@link #session()}.
 *
 * <p>Run on the SDK's JVM arguments ({@code @$TORNADOVM_HOME/tornado-argfile}) with
 * {@code -Dtornado.recover.bailout=False}: otherwise a kernel that fails to compile silently runs as sequential
 * Java, which for KernelContext kernels gives wrong results.
 */
public final class TornadoLfm2Engine implements GpuModel {
    /** A whole-model graph needs far more than TornadoVM's default 4 KiB of graph bytecode. */
    private static final String BYTECODE_SIZE = String.valueOf(1 << 20);
    /**
     * Blocks per task graph (override: -Dlfm4j.tornado.layersPerGraph). 6 LFM2 blocks fitted a graph's 1024 nodes
     * before the int8 quantize tasks (4 more per block on quantized models); 4 blocks run on the 1.2B shape.
     */
    private static final int LAYERS_PER_GRAPH = 4;
    /**
     * Tokens per prefill chunk (override: -Dlfm4j.tornado.prefillBatch). Each matmul work-group reuses a weight tile
     * for 16 tokens whatever the chunk; a chunk also pays fixed costs (every task's launch, and the decode tasks,
     * which run idle over stale vectors: about one decode step), so longer chunks amortise those. 64 keeps the
     * scratch rows small (1.2B: ~8 MiB per graph) and still makes the fixed cost a small share.
     */
    private static final int PREFILL_BATCH = 64;

    /** Load-time facts and costs, for diagnostics and benchmarks. */
    public record LoadInfo(String device, long deviceBytes, long weightBytes, int layerGraphs, int layerTasks, int headTasks,
                           double repackMillis, double firstStepMillis) {}

    private final Lfm2Config config;
    private final int context;
    private final TornadoDevice device;
    private final TornadoExecutionPlan plan;
    private final int prefillBatch;
    private final IntArray step;
    private final IntArray argmax = new IntArray(1);
    private final FloatArray logits;
    private final TornadoSession session;
    private final LoadInfo info;
    private final int layerGraphCount;
    private boolean closed, profiling;
    private long profiledExecutes, kernelNanos, bytesIn, bytesOut;

    private TornadoLfm2Engine(GGUFFile file, int context, TornadoDevice device, Consumer<String> notices) {
        long t0 = System.nanoTime();
        this.config = Lfm2Config.from(file);
        if (context < 1 || context > config.contextLength()) {
            throw new IllegalArgumentException("context of " + context + " tokens is outside [1, "
                    + config.contextLength() + "] (the model's trained context)");
        }
        if (config.headDim() % 2 != 0) {
            throw new IllegalArgumentException("head dimension " + config.headDim() + " is odd; RoPE needs pairs");
        }
        this.context = context;
        int batch = Integer.getInteger("lfm4j.tornado.prefillBatch", PREFILL_BATCH);
        if (batch < 1) throw new IllegalArgumentException("prefill batch of " + batch + " tokens; it must be at least 1");
        this.prefillBatch = Math.min(batch, context);
        this.step = new IntArray(Step.size(prefillBatch));
        Lfm2Config c = config;
        int dim = c.dim(), ffn = c.ffnDim(), heads = c.heads(), headDim = c.headDim(), half = headDim / 2;
        int kvDim = c.kvHeadCount() * headDim, qDim = heads * headDim, convL = c.convCache(), vocab = c.vocabSize();
        float eps = c.rmsEps();

        DeviceWeights w = new DeviceWeights(c, Lfm2Weights.load(file, c), notices);
        double repackMillis = (System.nanoTime() - t0) / 1e6;

        this.device = device;
        WorkGroupSizes sizes = workGroupSizes(device);
        sizes.requireFixedSizesFit(device.getDeviceName());
        this.logits = new FloatArray(vocab);
        FloatArray x = new FloatArray(dim), xn = new FloatArray(dim);
        FloatArray xs = PrefillTasks.residualRows(c, prefillBatch); // a chunk's residual stream, row per token
        // xn rounded to int8 for a quantized output matrix (see Int8Input)
        Int8Input xnQ = Int8Input.of(dim);
        Object[] headState = {xn, logits, argmax, xnQ.quants(), xnQ.scales()};
        FloatArray cos = new FloatArray(context * half), sin = new FloatArray(context * half);
        for (int i = 0; i < half; i++) {
            // same float64 angle as the CPU engine, so both rotate by identical floats
            float invFreq = (float) Math.pow(c.ropeTheta(), -2.0 * i / headDim);
            for (int p = 0; p < context; p++) {
                double theta = (double) p * invFreq;
                cos.set(p * half + i, (float) Math.cos(theta));
                sin.set(p * half + i, (float) Math.sin(theta));
            }
        }

        // TornadoVM's graph holds at most 1024 nodes (buffers, tasks, ...): the blocks are split over several
        // graphs that pass the residual stream x along without copies. Each graph owns its blocks' KV cache,
        // conv state and scratch activations, so nothing else crosses graph boundaries.
        int perGraph = Math.max(1, Integer.getInteger("lfm4j.tornado.layersPerGraph", LAYERS_PER_GRAPH));
        int chunks = (c.layers() + perGraph - 1) / perGraph;
        List<GraphBuilder> layerGraphs = new ArrayList<>();
        // TornadoVM hands device buffers over only from the graph executed just before: x, the step array (sent
        // once per token, by the first graph) and the embedding when the head reuses it as the output matrix are
        // passed along every layer graph to the head.
        List<Object> carried = new ArrayList<>(List.of(x, xs, step));
        if (w.tiedOutput) carried.addAll(List.of(w.embeddingArrays()));
        Object[] carry = carried.toArray();
        GridScheduler grids = new GridScheduler();
        float attnScale = (float) (1.0 / Math.sqrt(headDim));
        int splits = AttentionKernels.splits(context);
        long needed = w.bytes() + bytesOf(headState), kvBytes = 0, largestCache = 0; // + each graph's state below
        for (int ci = 0; ci < chunks; ci++) {
            int first = ci * perGraph, end = Math.min(c.layers(), first + perGraph);
            int attnLayers = 0, convLayers = 0;
            for (int l = first; l < end; l++) {
                if (w.layers[l].attention()) attnLayers++;
                else convLayers++;
            }
            long kvFloats = (long) Math.max(1, attnLayers) * context * kvDim;
            if (kvFloats > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException("a KV cache of " + context + " tokens does not fit one device "
                        + "array; use a shorter context");
            }
            FloatArray keyCache = new FloatArray((int) kvFloats), valueCache = new FloatArray((int) kvFloats);
            FloatArray convState = new FloatArray(Math.max(1, convLayers * (convL - 1) * dim));
            FloatArray h = new FloatArray(dim), y = new FloatArray(dim);
            FloatArray bcx = new FloatArray(3 * dim), q = new FloatArray(qDim), att = new FloatArray(qDim);
            FloatArray k = new FloatArray(Math.max(1, kvDim)), v = new FloatArray(Math.max(1, kvDim));
            FloatArray gate = new FloatArray(ffn), up = new FloatArray(ffn);
            FloatArray scores = new FloatArray(Math.max(1, heads * context));
            // attention over long contexts is split into chunks of positions (flash-decoding) and merged
            FloatArray partMax = new FloatArray(heads * splits), partSum = new FloatArray(heads * splits);
            FloatArray partOut = new FloatArray(heads * splits * headDim);
            // the inputs of the quantized products rounded to int8, as the CPU engine's decode does
            Int8Input hQ = Int8Input.of(dim), yQ = Int8Input.of(dim), attQ = Int8Input.of(qDim),
                    gateQ = Int8Input.of(ffn);
            Object[] state = {keyCache, valueCache, convState, cos, sin, h, y, bcx, q, att, k, v, gate, up, scores,
                    partMax, partSum, partOut, hQ.quants(), hQ.scales(), yQ.quants(), yQ.scales(), attQ.quants(),
                    attQ.scales(), gateQ.quants(), gateQ.scales()};
            PrefillTasks prefill = new PrefillTasks(c, prefillBatch);
            needed += bytesOf(state) + bytesOf(prefill.buffers()) + x.getNumBytesOfSegment() + xs.getNumBytesOfSegment();
            kvBytes += 2 * keyCache.getNumBytesOfSegment();
            largestCache = Math.max(largestCache, Math.max(keyCache.getNumBytesOfSegment(), scores.getNumBytesOfSegment()));
            largestCache = Math.max(largestCache, prefill.largestBufferBytes());

            GraphBuilder g = new GraphBuilder("layers" + ci, grids, sizes);
            layerGraphs.add(g);
            if (ci > 0) g.graph().consumeFromDevice("layers" + (ci - 1), carry);
            if (ci == 0) g.graph().transferToDevice(DataTransferMode.FIRST_EXECUTION, w.embeddingArrays());
            for (int l = first; l < end; l++) {
                g.graph().transferToDevice(DataTransferMode.FIRST_EXECUTION, w.layerArrays(l));
            }
            g.graph().transferToDevice(DataTransferMode.FIRST_EXECUTION, state);
            g.graph().transferToDevice(DataTransferMode.FIRST_EXECUTION, prefill.buffers());
            if (ci == 0) g.graph().transferToDevice(DataTransferMode.EVERY_EXECUTION, step);
            if (ci == 0) g.embed("embed", w.embedding, step, x);
            int cacheIndex = 0, stateIndex = 0;
            for (int l = first; l < end; l++) {
                DeviceWeights.Layer L = w.layers[l];
                String p = "l" + l + "_";
                g.graph().task(g.grid(p + "norm", NormKernels.LOCAL, NormKernels.LOCAL), NormKernels::rmsnorm, g.ctx(),
                        x, L.attnNorm(), h, dim, eps);
                if (L.attention()) {
                    int kvHeads = L.kvHeads(), cacheOffset = cacheIndex++ * context * kvDim;
                    g.quantize(p + "hq", h, hQ, L.wq(), L.wk(), L.wv());
                    g.matvec(p + "q", L.wq(), h, hQ, q, false);
                    g.matvec(p + "k", L.wk(), h, hQ, k, false);
                    g.matvec(p + "v", L.wv(), h, hQ, v, false);
                    g.graph().task(g.grid(p + "rope", (heads + kvHeads) * NormKernels.LOCAL, NormKernels.LOCAL),
                            NormKernels::qkNormRopeAppend, g.ctx(), q, k, v, L.qNorm(), L.kNorm(), cos, sin, step,
                            keyCache, valueCache, heads, headDim, kvDim, cacheOffset, eps);
                    if (splits == 1) {
                        g.graph().task(g.grid(p + "attn", heads * AttentionKernels.LOCAL, AttentionKernels.LOCAL),
                                AttentionKernels::attention, g.ctx(), q, keyCache, valueCache, scores, att, step,
                                headDim, kvDim, heads / kvHeads, context, cacheOffset, attnScale);
                    } else {
                        g.graph().task(g.grid(p + "attn", heads * splits * AttentionKernels.LOCAL,
                                        AttentionKernels.LOCAL), AttentionKernels::attentionSplit, g.ctx(), q, keyCache,
                                valueCache, scores, partMax, partSum, partOut, step, headDim, kvDim, heads / kvHeads,
                                context, splits, cacheOffset, attnScale);
                        g.graph().task(g.grid(p + "attnsum", heads * AttentionKernels.LOCAL, AttentionKernels.LOCAL),
                                AttentionKernels::attentionCombine, g.ctx(), partMax, partSum, partOut, att, headDim,
                                splits);
                    }
                    g.quantize(p + "attq", att, attQ, L.wo());
                    g.matvec(p + "o", L.wo(), att, attQ, x, true);
                } else {
                    int stateOffset = stateIndex++ * (convL - 1) * dim;
                    g.quantize(p + "hq", h, hQ, L.inProj());
                    g.matvec(p + "in", L.inProj(), h, hQ, bcx, false);
                    g.graph().task(g.grid(p + "conv", GraphBuilder.roundUp(dim, 64), 64), ConvKernels::shortConv,
                            g.ctx(), bcx, L.convTaps(), convState, y, step, dim, convL, stateOffset);
                    g.quantize(p + "yq", y, yQ, L.outProj());
                    g.matvec(p + "out", L.outProj(), y, yQ, x, true);
                }
                g.graph().task(g.grid(p + "ffnnorm", NormKernels.LOCAL, NormKernels.LOCAL), NormKernels::rmsnorm,
                        g.ctx(), x, L.ffnNorm(), h, dim, eps);
                g.quantize(p + "ffnq", h, hQ, L.gate(), L.up());
                g.ffn(p + "ffn", L.gate(), L.up(), h, hQ, gate, up);
                g.quantize(p + "gateq", gate, gateQ, L.down());
                g.matvec(p + "down", L.down(), gate, gateQ, x, true);
            }
            // the prefill tasks after all decode tasks of the graph: a chunk's result is what the graph leaves
            if (ci == 0) prefill.embed(g, w, step, xs);
            cacheIndex = 0;
            stateIndex = 0;
            for (int l = first; l < end; l++) {
                DeviceWeights.Layer L = w.layers[l];
                int cacheOffset = L.attention() ? cacheIndex++ * context * kvDim : 0;
                int stateOffset = L.attention() ? 0 : stateIndex++ * (convL - 1) * dim;
                prefill.layer(g, l, L, xs, step, cos, sin, keyCache, valueCache, convState, cacheOffset, stateOffset);
            }
            if (ci == chunks - 1) PrefillTasks.lastRow(g, xs, x, step, dim);
            g.graph().persistOnDevice(carry);
        }
        DeviceMemory.check(needed, w.bytes(), kvBytes, context, Math.max(w.largestArrayBytes(), largestCache),
                device.getDeviceName(), device.getMaxGlobalMemory(), device.getMaxAllocMemory());

        GraphBuilder hg = new GraphBuilder("head", grids, sizes);
        hg.graph().consumeFromDevice("layers" + (chunks - 1), carry);
        if (w.headArrays().length > 0) hg.graph().transferToDevice(DataTransferMode.FIRST_EXECUTION, w.headArrays());
        hg.graph().transferToDevice(DataTransferMode.FIRST_EXECUTION, headState);
        hg.graph().task(hg.grid("norm", NormKernels.LOCAL, NormKernels.LOCAL), NormKernels::rmsnorm, hg.ctx(), x,
                w.outputNorm, xn, dim, eps);
        hg.quantize("xnq", xn, xnQ, w.output);
        hg.matvec("logits", w.output, xn, xnQ, logits, false);
        hg.graph().task(hg.grid("argmax", ElementwiseKernels.ARGMAX_LOCAL, ElementwiseKernels.ARGMAX_LOCAL),
                ElementwiseKernels::argmax, hg.ctx(), logits, argmax, vocab);
        hg.graph().transferToHost(DataTransferMode.EVERY_EXECUTION, argmax)
                .transferToHost(DataTransferMode.UNDER_DEMAND, logits);

        ImmutableTaskGraph[] snapshots = new ImmutableTaskGraph[chunks + 1];
        int layerTasks = 0;
        for (int ci = 0; ci < chunks; ci++) {
            snapshots[ci] = layerGraphs.get(ci).graph().snapshot();
            layerTasks += layerGraphs.get(ci).tasks();
        }
        snapshots[chunks] = hg.graph().snapshot();
        this.layerGraphCount = chunks;
        this.plan = new TornadoExecutionPlan(snapshots);
        plan.withGridScheduler(grids);
        plan.withDevice(device);

        // first step: uploads the weights and compiles every kernel. Token 0 at position 0 writes only KV slot 0
        // and the conv state, which the first real token (position 0) overwrites / ignores.
        long t1 = System.nanoTime();
        try {
            runLayers(0, 0);
            runHead();
        } catch (RuntimeException | Error e) {
            try {
                plan.freeDeviceMemory();
                plan.close();
            } catch (TornadoExecutionPlanException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        double firstStepMillis = (System.nanoTime() - t1) / 1e6;
        this.info = new LoadInfo(device.getDeviceName() + " (" + device.getDescription() + ")", needed, w.bytes(),
                chunks, layerTasks, hg.tasks(), repackMillis, firstStepMillis);
        this.session = new TornadoSession(this, context, vocab);
    }

    /**
     * Loads the GGUF file at {@code path} onto the TornadoVM device {@code deviceId} ("backend:device", as
     * {@link TornadoEngineProvider#devices()} lists them; null: TornadoVM's default device) with room for
     * {@code context} tokens. One-line notices (weights repacked for the GPU) go to {@code notices}.
     */
    public static TornadoLfm2Engine load(Path path, int context, String deviceId, Consumer<String> notices) {
        System.getProperties().putIfAbsent("tornado.tvm.maxbytecodesize", BYTECODE_SIZE); // before the runtime starts
        TornadoDevice device = device(deviceId);
        if (!"false".equalsIgnoreCase(System.getProperty("tornado.recover.bailout"))) {
            notices.accept("lfm4j: TornadoVM bailout is on: a kernel that fails to compile would silently run as "
                    + "(wrong) Java; run with -Dtornado.recover.bailout=False");
        }
        try (GGUFFile f = ModelFiles.open(path)) {
            return new TornadoLfm2Engine(f, context, device, notices); // every weight is copied: the mapping can go
        }
    }

    /** {@link #load(Path, int, String, Consumer)} onto TornadoVM's default device. */
    public static TornadoLfm2Engine load(Path path, int context, Consumer<String> notices) {
        return load(path, context, null, notices);
    }

    /** {@link #load(Path, int, Consumer)} with notices on standard error. */
    public static TornadoLfm2Engine load(Path path, int context) {
        return load(path, context, System.err::println);
    }

    private static TornadoDevice device(String id) {
        if (id == null) return TornadoExecutionPlan.getDevice(0, 0);
        String[] parts = id.split(":");
        try {
            if (parts.length == 2) {
                int backend = Integer.parseInt(parts[0]), index = Integer.parseInt(parts[1]);
                var backends = TornadoExecutionPlan.getTornadoDeviceMap().getAllBackends();
                if (backend >= 0 && backend < backends.size() && index >= 0
                        && index < backends.get(backend).getNumDevices()) {
                    return backends.get(backend).getDevice(index);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("no TornadoVM device " + id + " (see lfm4j devices)");
    }

    /** The device's work-group limits as TornadoVM reports them. */
    static WorkGroupSizes workGroupSizes(TornadoDevice device) {
        long[] maxGroup = device.getPhysicalDevice().getDeviceMaxWorkGroupSize();
        TornadoDeviceType type = device.getDeviceType();
        return new WorkGroupSizes(maxGroup.length > 0 ? maxGroup[0] : 0, device.getDeviceLocalMemorySize(),
                type == TornadoDeviceType.GPU || type == TornadoDeviceType.ACCELERATOR);
    }

    private static long bytesOf(Object[] arrays) {
        long b = 0;
        for (Object o : arrays) {
            b += o instanceof FloatArray f ? f.getNumBytesOfSegment() : ((IntArray) o).getNumBytesOfSegment();
        }
        return b;
    }

    /** Runs the embedding and all blocks for {@code token} at {@code position}. */
    void runLayers(int token, int position) {
        step.set(Step.TOKEN, token);
        step.set(Step.POSITION, position);
        step.set(Step.BATCH, 0);
        for (int i = 0; i < layerGraphCount; i++) record(plan.withGraph(i).execute());
    }

    /**
     * Runs {@code tokens[from .. from+n)} (n ≤ {@link #prefillBatch()}) through all blocks as one chunk starting at
     * {@code position}, leaving the last token's residual stream for {@link #runHead}.
     */
    void runChunk(int[] tokens, int from, int n, int position) {
        step.set(Step.TOKEN, 0);
        step.set(Step.POSITION, position);
        step.set(Step.BATCH, n);
        for (int t = 0; t < n; t++) step.set(Step.TOKENS + t, tokens[from + t]);
        for (int i = 0; i < layerGraphCount; i++) record(plan.withGraph(i).execute());
    }

    /** Most tokens one prefill chunk takes. */
    public int prefillBatch() {
        return prefillBatch;
    }

    /** Runs the final norm, logits and argmax on the residual stream left by {@link #runLayers}. */
    TornadoExecutionResult runHead() {
        return record(plan.withGraph(layerGraphCount).execute());
    }

    private TornadoExecutionResult record(TornadoExecutionResult r) {
        if (profiling) {
            TornadoProfilerResult p = r.getProfilerResult();
            profiledExecutes++;
            kernelNanos += p.getDeviceKernelTime();
            bytesIn += p.getTotalBytesCopyIn();
            bytesOut += p.getTotalBytesCopyOut();
        }
        return r;
    }

    /** Switches TornadoVM's profiler on (counters restart from zero) or off. */
    @Override
    public void profile(boolean on) {
        profiling = on;
        profiledExecutes = kernelNanos = bytesIn = bytesOut = 0;
        if (on) plan.withProfiler(ProfilerMode.SILENT);
        else plan.withoutProfiler();
    }

    /**
     * Device-side totals while profiling was on (TornadoVM's profiler; it adds its own overhead per execute). The
     * byte counts include TornadoVM's own per-launch data and array headers, not only the step array and argmax.
     */
    @Override
    public Optional<GpuProfile> profileTotals() {
        return Optional.of(new GpuProfile(profiledExecutes, kernelNanos, bytesIn, bytesOut));
    }

    int argmaxResult() {
        return argmax.get(0);
    }

    /** Copies the logits of the last {@link #runHead} to the host, into {@code dst}. */
    void fetchLogits(TornadoExecutionResult result, float[] dst) {
        result.transferToHost(logits);
        for (int i = 0; i < dst.length; i++) dst[i] = logits.get(i);
    }

    /** The conversation state on the device. There is one per engine (the device holds one KV cache). */
    @Override
    public TornadoSession session() {
        checkOpen();
        return session;
    }

    void checkOpen() {
        if (closed) throw new IllegalStateException("the GPU engine is closed");
    }

    @Override
    public String device() {
        return info.device();
    }

    @Override
    public Lfm2Config config() {
        return config;
    }

    @Override
    public int context() {
        return context;
    }

    @Override
    public long deviceMemoryBytes() {
        return info.deviceBytes();
    }

    @Override
    public double compileSeconds() {
        return info.firstStepMillis() / 1e3;
    }

    public LoadInfo loadInfo() {
        return info;
    }

    /** Frees the device memory of this engine. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            plan.freeDeviceMemory();
            plan.close();
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException("could not release the GPU engine: " + e.getMessage(), e);
        }
    }
}
