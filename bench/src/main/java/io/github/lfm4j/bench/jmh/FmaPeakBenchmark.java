package io.github.lfm4j.bench.jmh;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The machine's FP32 multiply-add peak as the Vector API reaches it: twelve independent accumulators (more than an
 * FMA's latency times its issue rate, so the units never wait), no memory traffic. The score is FLOP/s (2 per lane
 * per multiply-add); JMH adds up its threads, so {@code -t 2} gives the two-thread peak. docs/bench compares the
 * prefill kernels' GFLOP/s ({@link MatmulBenchmark}) with it.
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/lfm4j.jar org.openjdk.jmh.Main FmaPeakBenchmark -t 1
 * java --add-modules jdk.incubator.vector -cp bench/target/lfm4j.jar org.openjdk.jmh.Main FmaPeakBenchmark -t 2
 * </pre>
 * Two widths: 256 bits, what the kernels compute with, and 512 where the CPU has it (on Zen 4 a 512-bit FMA takes
 * two 256-bit units, so both peaks should agree there).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeakBenchmark {
    private static final int STEPS = 1 << 16, ACCUMULATORS = 12;
    private static final int FLOPS_256 = 2 * 8 * STEPS * ACCUMULATORS, FLOPS_512 = 2 * 16 * STEPS * ACCUMULATORS;

    // One method per width, each with its species as a static constant: C2 compiles vector code only for species
    // it can see (a species passed as an argument made the loop run boxed, at 1/30 of the speed).
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256, F512 = FloatVector.SPECIES_512;

    @Benchmark
    @OperationsPerInvocation(FLOPS_256)
    public float fma256() {
        FloatVector m = FloatVector.broadcast(F256, 0.999999f), c = FloatVector.broadcast(F256, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(F256, 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2.add(a3)).add(a4.add(a5)).add(a6.add(a7)).add(a8.add(a9)).add(a10.add(a11)).lane(0);
    }

    @Benchmark
    @OperationsPerInvocation(FLOPS_512)
    public float fma512() {
        FloatVector m = FloatVector.broadcast(F512, 0.999999f), c = FloatVector.broadcast(F512, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(F512, 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2.add(a3)).add(a4.add(a5)).add(a6.add(a7)).add(a8.add(a9)).add(a10.add(a11)).lane(0);
    }
}
