package io.github.lfm4j.tornadovm.engine;

import io.github.lfm4j.tornadovm.kernels.DeviceMatrix;
import io.github.lfm4j.tornadovm.kernels.ElementwiseKernels;
import io.github.lfm4j.tornadovm.kernels.FfnKernels;
import io.github.lfm4j.tornadovm.kernels.Int8Input;
import io.github.lfm4j.tornadovm.kernels.Int8InputKernels;
import io.github.lfm4j.tornadovm.kernels.MatMulKernels;
import io.github.lfm4j.tornadovm.kernels.MatVecKernels;
import io.github.lfm4j.tornadovm.kernels.PrefillElementwiseKernels;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Adds tasks to one task graph and registers each task's launch geometry (global work-items, work-group size) in a
 * grid scheduler shared by the whole plan; picks the kernel variant for a weight matrix's layout.
 */
final class GraphBuilder {
    private final TaskGraph graph;
    private final String name;
    private final GridScheduler grids;
    private final KernelContext ctx = new KernelContext();
    private final WorkGroupSizes sizes;
    // for the weight arguments a matrix's layout lacks (matmul, F32/F16 matvec and FFN); declared on first use
    private final MatMulKernels.Weights standIns = MatMulKernels.Weights.standIns();
    private boolean standInsDeclared;
    private int tasks;

    GraphBuilder(String name, GridScheduler grids, WorkGroupSizes sizes) {
        this.graph = new TaskGraph(name);
        this.name = name;
        this.grids = grids;
        this.sizes = sizes;
    }

    TaskGraph graph() {
        return graph;
    }

    KernelContext ctx() {
        return ctx;
    }

    int tasks() {
        return tasks;
    }

    /** Registers the geometry of task {@code id} (added by the caller right after) and returns its id. */
    String grid(String id, int global, int local) {
        WorkerGrid1D g = new WorkerGrid1D(global);
        g.setLocalWork(local, 1, 1);
        grids.addWorkerGrid(name + "." + id, g);
        tasks++;
        return id;
    }

    static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    /** True for the layouts whose kernels take the input rounded to int8 ({@link Int8Input}). */
    static boolean takesInt8(DeviceMatrix w) {
        return w.layout().takesInt8();
    }

    /**
     * Rounds {@code in} to int8 blocks into {@code dst} for the products that follow, once for all of them; adds no
     * task when none of {@code users} takes int8 input.
     */
    void quantize(String id, FloatArray in, Int8Input dst, DeviceMatrix... users) {
        boolean needed = false;
        for (DeviceMatrix u : users) needed |= takesInt8(u);
        if (!needed) return;
        int blocks = in.getSize() / 32;
        grid(id, roundUp(blocks, 32), 32);
        graph.task(id, Int8InputKernels::quantize, ctx, in, dst.quants(), dst.scales(), in.getSize());
    }

    /**
     * {@code out = W·in}, or {@code out += W·in} when {@code add}. The quantized layouts read {@code inQ}, which a
     * {@link #quantize} task must have filled from {@code in} since {@code in} last changed.
     */
    void matvec(String id, DeviceMatrix w, FloatArray in, Int8Input inQ, FloatArray out, boolean add) {
        int local = sizes.matvec(w);
        grid(id, w.rows() * local, local);
        int cols = w.cols();
        int accumulate = add ? 1 : 0;
        switch (w.layout()) {
            case F32, F16 -> {
                MatMulKernels.Weights a = weightArgs(w);
                graph.task(id, MatVecKernels::unquantized, ctx, a.values(), a.halves(), in, out, cols, local,
                        MatMulKernels.layoutCode(w.layout()), accumulate);
            }
            case Q8_0 -> graph.task(id, MatVecKernels::q8, ctx, w.quants(), w.scales(), inQ.quants(), inQ.scales(), out,
                    cols, local, accumulate);
            case Q4_0 -> graph.task(id, MatVecKernels::q4, ctx, w.quants(), w.scales(), inQ.quants(), inQ.scales(), out,
                    cols, local, accumulate);
            case Q4_K, Q5_K, Q6_K -> graph.task(id, MatVecKernels::kQuant, ctx, w.quants(), inQ.quants(), inQ.scales(),
                    out, cols, local, MatMulKernels.layoutCode(w.layout()), accumulate);
        }
    }

    /**
     * {@code out = silu(gate·in) ⊙ (up·in)}: one fused task when both matrices share a layout, else two products and
     * a SwiGLU task (a model may quantize gate and up differently). {@code inQ} as for {@link #matvec}.
     */
    void ffn(String id, DeviceMatrix gate, DeviceMatrix up, FloatArray in, Int8Input inQ, FloatArray out,
             FloatArray upScratch) {
        int cols = gate.cols();
        if (gate.layout() != up.layout()) {
            matvec(id + "_gate", gate, in, inQ, out, false);
            matvec(id + "_up", up, in, inQ, upScratch, false);
            grid(id + "_swiglu", roundUp(gate.rows(), 64), 64);
            graph.task(id + "_swiglu", ElementwiseKernels::swiglu, ctx, out, upScratch, gate.rows());
            return;
        }
        int local = sizes.matvec(gate);
        grid(id, gate.rows() * local, local);
        switch (gate.layout()) {
            case F32, F16 -> {
                MatMulKernels.Weights g = weightArgs(gate), u = weightArgs(up);
                graph.task(id, FfnKernels::unquantized, ctx, g.values(), g.halves(), u.values(), u.halves(), in, out,
                        cols, local, MatMulKernels.layoutCode(gate.layout()));
            }
            case Q8_0 -> graph.task(id, FfnKernels::q8, ctx, gate.quants(), gate.scales(), up.quants(), up.scales(),
                    inQ.quants(), inQ.scales(), out, cols, local);
            case Q4_0 -> graph.task(id, FfnKernels::q4, ctx, gate.quants(), gate.scales(), up.quants(), up.scales(),
                    inQ.quants(), inQ.scales(), out, cols, local);
            case Q4_K, Q5_K, Q6_K -> graph.task(id, FfnKernels::kQuant, ctx, gate.quants(), up.quants(), inQ.quants(),
                    inQ.scales(), out, cols, local, MatMulKernels.layoutCode(gate.layout()));
        }
    }

    /**
     * {@code w}'s arrays for a kernel that takes every layout's arrays (the matmul, the F32/F16 matvec and FFN), with
     * the graph's stand-ins for those {@code w} lacks; declares the stand-ins for transfer before their first use.
     */
    private MatMulKernels.Weights weightArgs(DeviceMatrix w) {
        if (!standInsDeclared) {
            graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, standIns.arrays());
            standInsDeclared = true;
        }
        return standIns.of(w);
    }

    /** {@code x = row step[TOKEN] of the embedding matrix}. */
    void embed(String id, DeviceMatrix w, IntArray step, FloatArray x) {
        int dim = w.cols();
        grid(id, roundUp(dim, 64), 64);
        switch (w.layout()) {
            case F32 -> graph.task(id, ElementwiseKernels::embedF32, ctx, w.values(), step, x, dim);
            case F16 -> graph.task(id, ElementwiseKernels::embedF16, ctx, w.halves(), step, x, dim);
            case Q8_0 -> graph.task(id, ElementwiseKernels::embedQ8, ctx, w.quants(), w.scales(), step, x, dim);
            case Q4_0 -> graph.task(id, ElementwiseKernels::embedQ4, ctx, w.quants(), w.scales(), step, x, dim);
            case Q4_K, Q5_K, Q6_K -> graph.task(id, ElementwiseKernels::embedKQuant, ctx, w.quants(), step, x, dim,
                    MatMulKernels.layoutCode(w.layout()));
        }
    }

    /**
     * Prefill: {@code out[t] = W·in[t]} (or {@code +=} when {@code add}) for the {@code step[BATCH]} tokens of a chunk
     * of at most {@code maxBatch}, float activations; one kernel for every layout (see {@link MatMulKernels}).
     */
    void matmul(String id, DeviceMatrix w, FloatArray in, FloatArray out, boolean add, IntArray step, int maxBatch) {
        int rows = w.rows(), cols = w.cols();
        MatMulKernels.Weights a = weightArgs(w);
        grid(id, MatMulKernels.groups(rows, maxBatch) * MatMulKernels.LOCAL, MatMulKernels.LOCAL);
        graph.task(id, MatMulKernels::matmul, ctx, a.values(), a.halves(), a.quants(), a.scales(), in, out, step, rows,
                cols, MatMulKernels.layoutCode(w.layout()), add ? 1 : 0);
    }

    /** Prefill: row t of {@code xs} = embedding row {@code step[TOKENS + t]}, for the chunk's tokens. */
    void embedRows(String id, DeviceMatrix w, IntArray step, FloatArray xs, int maxBatch) {
        int dim = w.cols();
        grid(id, roundUp(maxBatch * dim, 64), 64);
        // a switch expression, so that a layout without a case here does not compile (a switch statement would
        // silently add no task, and the chunk would keep stale rows)
        TaskGraph _ = switch (w.layout()) {
            case F32 -> graph.task(id, PrefillElementwiseKernels::embedF32, ctx, w.values(), step, xs, dim);
            case F16 -> graph.task(id, PrefillElementwiseKernels::embedF16, ctx, w.halves(), step, xs, dim);
            case Q8_0 -> graph.task(id, PrefillElementwiseKernels::embedQ8, ctx, w.quants(), w.scales(), step, xs, dim);
            case Q4_0 -> graph.task(id, PrefillElementwiseKernels::embedQ4, ctx, w.quants(), w.scales(), step, xs, dim);
            case Q4_K, Q5_K, Q6_K -> graph.task(id, PrefillElementwiseKernels::embedKQuant, ctx, w.quants(), step, xs,
                    dim, MatMulKernels.layoutCode(w.layout()));
        };
    }

    /** The device arrays of a matrix, for transfer declarations. */
    static Object[] arrays(DeviceMatrix w) {
        return switch (w.layout()) {
            case F32 -> new Object[]{w.values()};
            case F16 -> new Object[]{w.halves()};
            case Q8_0, Q4_0 -> new Object[]{w.quants(), w.scales()};
            case Q4_K, Q5_K, Q6_K -> new Object[]{w.quants()};
        };
    }
}
