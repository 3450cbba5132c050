package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.runner.api.Device;

import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark matrix: every device × thread count runs every test.
 *
 * @param promptLengths tokens per pp test
 * @param genLengths    decode steps per tg test
 * @param repetitions   measured runs per test
 * @param warmups       untimed runs before them (JIT compilation, page faults on the mapped weights)
 * @param sweepDepths   context depths for the decode-against-context sweep (may be empty)
 * @param sweepTokens   decode steps measured at each sweep depth
 * @param seed          seed of the random prompt tokens (the same tokens for every engine)
 */
public record BenchSettings(List<Device> devices, List<Integer> threads, List<Integer> promptLengths,
                            List<Integer> genLengths, int repetitions, int warmups, List<Integer> sweepDepths, int sweepTokens,
                            long seed) {

    /** Length of the prompt prefilled before a tg test's timed decode steps (llama-bench starts from a BOS token). */
    public static final int TG_PROMPT_TOKENS = 8;

    public BenchSettings {
        devices = List.copyOf(devices);
        threads = List.copyOf(threads);
        promptLengths = List.copyOf(promptLengths);
        genLengths = List.copyOf(genLengths);
        sweepDepths = sweepDepths.stream().distinct().sorted().toList();
        if (devices.isEmpty()) throw new IllegalArgumentException("no device to benchmark");
        if (threads.isEmpty()) throw new IllegalArgumentException("no thread count to benchmark");
        for (int t : threads) if (t < 1) throw new IllegalArgumentException("threads must be at least 1, got " + t);
        for (int p : promptLengths) if (p < 1) throw new IllegalArgumentException("prompt length must be at least 1, got " + p);
        for (int n : genLengths) if (n < 1) throw new IllegalArgumentException("tokens to generate must be at least 1, got " + n);
        for (int d : sweepDepths) if (d < 0) throw new IllegalArgumentException("context sweep depth must be >= 0, got " + d);
        if (repetitions < 1) throw new IllegalArgumentException("repetitions must be at least 1, got " + repetitions);
        if (warmups < 0) throw new IllegalArgumentException("warm-up runs must be >= 0, got " + warmups);
        if (sweepTokens < 1) throw new IllegalArgumentException("sweep tokens must be at least 1, got " + sweepTokens);
        if (promptLengths.isEmpty() && genLengths.isEmpty() && sweepDepths.isEmpty()) {
            throw new IllegalArgumentException("nothing to run: no pp, tg or context-sweep test");
        }
    }

    /** The tests every engine runs, in order: pp, tg, then the sweep. */
    public List<TestSpec> tests() {
        List<TestSpec> tests = new ArrayList<>();
        for (int p : promptLengths) tests.add(TestSpec.pp(p));
        for (int n : genLengths) tests.add(TestSpec.tg(n));
        for (int d : sweepDepths) tests.add(TestSpec.tgAtDepth(sweepTokens, d));
        return tests;
    }

    /** Tokens an engine's state must hold to run every test. */
    public int contextNeeded() {
        int ctx = 1;
        for (int p : promptLengths) ctx = Math.max(ctx, p);
        for (int n : genLengths) ctx = Math.max(ctx, TG_PROMPT_TOKENS + n);
        for (int d : sweepDepths) ctx = Math.max(ctx, d + sweepTokens);
        return ctx;
    }
}
