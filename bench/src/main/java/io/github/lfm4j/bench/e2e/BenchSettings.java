package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.kernels.cache.KvCacheType;
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
 * @param sweepPrompt   tokens prefilled (timed) at each sweep depth; 0 measures decode only
 * @param caches        KV cache types to run each engine with ({@code -ctk} × {@code -ctv}); a null type is the
 *                      engine's default
 * @param seed          seed of the random prompt tokens (the same tokens for every engine)
 */
public record BenchSettings(List<Device> devices, List<Integer> threads, List<Integer> promptLengths,
                            List<Integer> genLengths, int repetitions, int warmups, List<Integer> sweepDepths, int sweepTokens,
                            int sweepPrompt, List<CacheTypes> caches, long seed) {

    /** The KV cache's key and value types for one engine configuration; null: the engine's default. */
    public record CacheTypes(KvCacheType keys, KvCacheType values) {
        /** The engine's defaults. */
        public static final CacheTypes DEFAULT = new CacheTypes(null, null);

        /** Every key type with every value type, as llama-bench combines {@code -ctk} and {@code -ctv}. */
        public static List<CacheTypes> product(List<KvCacheType> keys, List<KvCacheType> values) {
            List<KvCacheType> k = keys == null || keys.isEmpty() ? java.util.Collections.singletonList(null) : keys;
            List<KvCacheType> v = values == null || values.isEmpty() ? java.util.Collections.singletonList(null) : values;
            List<CacheTypes> out = new ArrayList<>();
            for (KvCacheType a : k) for (KvCacheType b : v) out.add(new CacheTypes(a, b));
            return out;
        }
    }

    /** Without a timed prefill at the sweep depths, with the engines' default cache types. */
    public BenchSettings(List<Device> devices, List<Integer> threads, List<Integer> promptLengths,
                         List<Integer> genLengths, int repetitions, int warmups, List<Integer> sweepDepths,
                         int sweepTokens, long seed) {
        this(devices, threads, promptLengths, genLengths, repetitions, warmups, sweepDepths, sweepTokens, 0,
                List.of(CacheTypes.DEFAULT), seed);
    }

    /** Length of the prompt prefilled before a tg test's timed decode steps (llama-bench starts from a BOS token). */
    public static final int TG_PROMPT_TOKENS = 8;

    public BenchSettings {
        devices = List.copyOf(devices);
        threads = List.copyOf(threads);
        promptLengths = List.copyOf(promptLengths);
        genLengths = List.copyOf(genLengths);
        sweepDepths = sweepDepths.stream().distinct().sorted().toList();
        caches = List.copyOf(caches);
        if (caches.isEmpty()) throw new IllegalArgumentException("no KV cache type to benchmark");
        if (sweepPrompt < 0) throw new IllegalArgumentException("sweep prompt tokens must be >= 0, got " + sweepPrompt);
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

    /** The tests every engine runs, in order: pp, tg, then the sweep (tg, then pp, at each depth). */
    public List<TestSpec> tests() {
        List<TestSpec> tests = new ArrayList<>();
        for (int p : promptLengths) tests.add(TestSpec.pp(p));
        for (int n : genLengths) tests.add(TestSpec.tg(n));
        for (int d : sweepDepths) {
            tests.add(TestSpec.tgAtDepth(sweepTokens, d));
            if (sweepPrompt > 0) tests.add(TestSpec.ppAtDepth(sweepPrompt, d));
        }
        return tests;
    }

    /** Tokens an engine's state must hold to run every test. */
    public int contextNeeded() {
        int ctx = 1;
        for (int p : promptLengths) ctx = Math.max(ctx, p);
        for (int n : genLengths) ctx = Math.max(ctx, TG_PROMPT_TOKENS + n);
        for (int d : sweepDepths) ctx = Math.max(ctx, d + Math.max(sweepTokens, sweepPrompt));
        return ctx;
    }
}
