package io.github.lfm4j.model.synth;

import io.github.lfm4j.model.gguf.GGUFWriter;
import io.github.lfm4j.model.quant.Quantizer;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Streams one synthetic tensor into a GGUF file: rows are generated and encoded a few megabytes at a time, the rows
 * of each chunk split across the pool's threads, and the chunk written before the next one is made.
 */
final class GeneratedTensor implements GGUFWriter.TensorSource {
    private static final int CHUNK_BYTES = 4 << 20;

    private final long seed;
    private final int index;
    private final SyntheticModel.TensorPlan plan;
    private final ExecutorService pool; // null: generate on the calling thread
    private final int threads;

    GeneratedTensor(long seed, int index, SyntheticModel.TensorPlan plan, ExecutorService pool, int threads) {
        this.seed = seed;
        this.index = index;
        this.plan = plan;
        this.pool = pool;
        this.threads = threads;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        int cols = Math.toIntExact(plan.cols());
        long rows = plan.rows();
        int rowBytes = Math.toIntExact(plan.type().byteSize(cols));
        int chunkRows = (int) Math.min(rows, Math.max(1, CHUNK_BYTES / rowBytes));
        byte[] buf = new byte[chunkRows * rowBytes];
        for (long r0 = 0; r0 < rows; r0 += chunkRows) {
            int n = (int) Math.min(chunkRows, rows - r0);
            encodeRows(r0, n, cols, rowBytes, buf);
            out.write(buf, 0, n * rowBytes);
        }
    }

    private void encodeRows(long firstRow, int n, int cols, int rowBytes, byte[] buf) throws IOException {
        int parts = pool == null ? 1 : Math.min(threads, n);
        if (parts == 1) {
            encodeRange(firstRow, 0, n, cols, rowBytes, buf);
            return;
        }
        List<Future<?>> done = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) n * p / parts), to = (int) ((long) n * (p + 1) / parts);
            done.add(pool.submit(() -> encodeRange(firstRow, from, to, cols, rowBytes, buf)));
        }
        try {
            for (Future<?> f : done) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while generating " + plan.name());
        } catch (ExecutionException e) {
            throw new IllegalStateException("generating " + plan.name() + " failed: " + e.getCause(), e.getCause());
        }
    }

    private void encodeRange(long firstRow, int from, int to, int cols, int rowBytes, byte[] buf) {
        float[] row = new float[cols];
        for (int r = from; r < to; r++) {
            RandomWeights.fillRow(seed, index, firstRow + r, plan.mean(), plan.std(), row, 0, cols);
            Quantizer.quantize(plan.type(), row, 0, cols, buf, r * rowBytes);
        }
    }
}
