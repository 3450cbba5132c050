package io.github.lfm4j.bench.jmh;

import io.github.lfm4j.kernels.cache.KvCache;
import io.github.lfm4j.kernels.cache.KvCacheType;
import io.github.lfm4j.kernels.cpu.TiledAttention;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One attention layer of LFM2.5-1.2B (8 KV heads of 64, 4 query heads each) over a KV cache of {@code depth}
 * positions in each cache type, on one thread: {@code batch=1} is a decode step, {@code batch=128} a prefill batch
 * at that depth. Decode reads the layer's cache once: its bytes / time is the bandwidth the kernel reaches; prefill
 * does {@code 4·batch·depth·heads·64} flops. Each JMH thread has its own cache and kernel: {@code -t 2} shows
 * how the memory bandwidth is shared when both cores read a cache, as the engine's two workers do.
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/lfm4j.jar org.openjdk.jmh.Main AttentionBenchmark \
 *      -p depth=4096,16384 -p batch=1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class AttentionBenchmark {
    private static final int KV_HEADS = 8, GROUP = 4, HEAD_DIM = 64;

    @Param({"f32", "f16", "q8_0"})
    public String type;

    @Param({"4096", "16384"})
    public int depth;

    @Param({"1", "128"})
    public int batch;

    private KvCache cache;
    private TiledAttention kernel;
    private float[] q, out;

    @Setup(Level.Trial)
    public void setUp() {
        KvCacheType t = KvCacheType.parse(type);
        cache = new KvCache(t, t, KV_HEADS, HEAD_DIM, depth + batch);
        Random rnd = new Random(42);
        float[] k = new float[KV_HEADS * HEAD_DIM], v = new float[KV_HEADS * HEAD_DIM];
        for (int p = 0; p < depth + batch; p++) {
            for (int i = 0; i < k.length; i++) {
                k[i] = (float) rnd.nextGaussian();
                v[i] = (float) rnd.nextGaussian();
            }
            cache.append(p, k, 0, v, 0);
        }
        int qDim = KV_HEADS * GROUP * HEAD_DIM;
        q = new float[batch * qDim];
        out = new float[batch * qDim];
        for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
        kernel = new TiledAttention(HEAD_DIM);
    }

    @Benchmark
    public float[] layer() {
        for (int g = 0; g < KV_HEADS; g++) {
            kernel.run(cache, g, g * GROUP, GROUP, depth, batch, q, KV_HEADS * GROUP * HEAD_DIM, out, 0.125f);
        }
        return out;
    }
}
