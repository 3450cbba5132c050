package io.github.lfm4j.bench.jmh;

import io.github.lfm4j.kernels.cpu.MatrixKernel;
import io.github.lfm4j.kernels.cpu.Parallel;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

/**
 * Prefill matrix products: {@code tokens} activation vectors through one weight matrix, rows split across threads
 * as an engine does. Effective GFLOP/s = 2·rows·cols·tokens / time ({@link KernelBenchReport}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC"})
public class MatmulBenchmark {

    @Param({"Q4_0", "Q8_0", "F32", "F16", "BF16", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    public String type;

    @Param({"2048x2048", "8192x2048", "2048x8192"})
    public String shape;

    @Param({"128", "512"})
    public int tokens;

    /** Threads including the caller; 0 = all available processors. */
    @Param({"0"})
    public int threads;

    private Arena arena;
    private MatrixKernel kernel;
    private Parallel parallel;
    private float[] x, out;

    @Setup(Level.Trial)
    public void setUp() {
        int[] rc = BenchWeights.shape(shape);
        arena = Arena.ofShared();
        Tensor w = BenchWeights.random(GGMLType.valueOf(type), rc[0], rc[1], arena, 42);
        kernel = MatrixKernel.of(w);
        parallel = new Parallel(threads);
        x = BenchWeights.activations(tokens * rc[1], 7);
        out = new float[tokens * rc[0]];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
        arena.close();
    }

    @Benchmark
    public float[] matmul() {
        parallel.forRange(kernel.rows(), 4, (s, e) -> kernel.matmul(x, tokens, out, s, e));
        return out;
    }
}
