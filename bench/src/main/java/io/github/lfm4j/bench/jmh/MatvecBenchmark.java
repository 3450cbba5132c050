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
 * Decode-step matrix-vector products at the LFM2.5-1.2B shapes ("ROWSxCOLS": attention/conv projections
 * 2048x2048, fused conv input 6144x2048, FFN up/gate 8192x2048, FFN down 2048x8192, output 65536x2048), on 1 and on
 * all threads ({@code threads=0}). Rows are split across {@link Parallel} workers exactly as an engine does.
 * Effective GB/s = weight bytes / time: {@link KernelBenchReport} computes it from JMH's JSON output.
 * <p>
 * Run (after {@code ./mvnw -pl bench -am package -DskipTests}), e.g. the decode-critical cases:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/lfm4j.jar org.openjdk.jmh.Main MatvecBenchmark \
 *      -bm sample -tu us -p type=Q4_0,Q8_0 -p shape=8192x2048 -rf json -rff matvec.json
 * java -cp bench/target/lfm4j.jar io.github.lfm4j.bench.jmh.KernelBenchReport matvec.json
 * </pre>
 * Without {@code -p} every type × shape × thread count runs (110 cases, about 20 minutes), over the file's own
 * layout; {@code -p repack=true,false} adds the repacked kernels ({@link MatrixKernel#repacked}: Q4_0 interleaved
 * on 256-bit vectors, which the engine uses by default).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC"})
public class MatvecBenchmark {

    @Param({"Q4_0", "Q8_0", "F32", "F16", "BF16", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    public String type;

    @Param({"2048x2048", "6144x2048", "8192x2048", "2048x8192", "65536x2048"})
    public String shape;

    /** Threads including the caller; 0 = all available processors. */
    @Param({"1", "0"})
    public int threads;

    /** Repack as the engine does by default ({@link MatrixKernel#repacked}), or the file's layout ({@code --no-repack}). */
    @Param({"false"})
    public boolean repack;

    private Arena arena;
    private MatrixKernel kernel;
    private Parallel parallel;
    private float[] x, out;

    @Setup(Level.Trial)
    public void setUp() {
        int[] rc = BenchWeights.shape(shape);
        arena = Arena.ofShared();
        Tensor w = BenchWeights.random(GGMLType.valueOf(type), rc[0], rc[1], arena, 42);
        parallel = new Parallel(threads);
        kernel = repack ? MatrixKernel.repacked(w, arena, parallel) : MatrixKernel.of(w);
        x = BenchWeights.activations(rc[1], 7);
        out = new float[rc[0]];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
        arena.close();
    }

    @Benchmark
    public float[] matvec() {
        parallel.forRange(kernel.rows(), 16, (s, e) -> kernel.matvec(x, out, s, e)); // row chunks as MatmulRunner's
        return out;
    }
}
