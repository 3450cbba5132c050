package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.runner.api.Device;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Runs the benchmark matrix. For each device × thread count it loads the model once (timed) and runs every test:
 * <ul>
 *   <li>pp N: reset to an empty state, prefill N tokens, pick the most likely next token; tok/s = N / time. That
 *       time is also the time to first token for an N-token prompt.</li>
 *   <li>tg N: reset, prefill a {@value BenchSettings#TG_PROMPT_TOKENS}-token prompt (its time is the TTFT), then N
 *       greedy decode steps, timed; tok/s = N / time.</li>
 *   <li>tg K @ dD (context sweep): the cache is filled once to each depth by prefill (untimed, depths in ascending
 *       order, each continuing the last), then each repetition rewinds to D and times K decode steps. An engine that
 *       cannot rewind there (the GPU session rewinds only to 0) refills the first D tokens instead, untimed.</li>
 *   <li>pp N @ dD (context sweep with a sweep prompt): after the tg runs at D, each repetition rewinds to D and
 *       times a prefill of N more tokens: prompt processing with D tokens already in the cache, as llama-bench's
 *       {@code -p N -d D}.</li>
 * </ul>
 * Every device × thread count runs once per KV cache type combination ({@code -ctk} × {@code -ctv}).
 * Each test runs {@code warmups} times untimed first (JIT compilation, page faults on the mapped weights), then
 * {@code repetitions} times measured. Prompt tokens are random but seeded, the same for every engine. After the
 * tests, a GPU engine runs {@value #PROFILED_STEPS} more greedy decode steps with its device profiler on (untimed)
 * for the bytes copied in/out and the kernel time per token.
 */
public final class BenchRunner {
    /** Greedy decode steps whose device counters (bytes in/out, kernel time) the GPU rows report. */
    static final int PROFILED_STEPS = 8;

    private final BenchSettings settings;
    private final Progress progress;
    private final boolean repack;

    /**
     * Checks every device's engine first, so a missing GPU engine fails before any work is done.
     *
     * @param repack let the CPU engine repack matrices into faster layouts ({@code --repack}, the default)
     */
    public BenchRunner(BenchSettings settings, Progress progress, boolean repack) {
        this.settings = settings;
        this.progress = progress;
        this.repack = repack;
        for (Device d : settings.devices()) InferenceEngine.requireAvailable(d);
    }

    /** Units of {@link Progress#advance()}: one per run, warm-ups included. */
    public static int progressUnits(BenchSettings s) {
        return s.devices().size() * s.threads().size() * s.caches().size() * s.tests().size()
                * (s.warmups() + s.repetitions());
    }

    public List<EngineRun> run(Path model) {
        List<EngineRun> runs = new ArrayList<>();
        for (Device d : settings.devices()) {
            for (int threads : settings.threads()) {
                for (BenchSettings.CacheTypes c : settings.caches()) runs.add(runEngine(d, model, threads, c));
            }
        }
        return runs;
    }

    private EngineRun runEngine(Device device, Path model, int threads, BenchSettings.CacheTypes caches) {
        String who = device.name().toLowerCase(Locale.ROOT) + " t=" + threads;
        if (settings.caches().size() > 1) who += " " + label(caches.keys()) + "/" + label(caches.values());
        progress.begin(who + ": loading model");
        ProcessMemory.resetPeak();
        long t0 = System.nanoTime();
        try (InferenceEngine engine = InferenceEngine.open(device, model, threads, settings.contextNeeded(), repack,
                caches.keys(), caches.values())) {
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            List<TestResult> results = new ArrayList<>();
            for (int p : settings.promptLengths()) results.add(promptProcessing(engine, who, p));
            for (int n : settings.genLengths()) results.add(tokenGeneration(engine, who, n));
            results.addAll(contextSweep(engine, who));
            OptionalLong peakRss = ProcessMemory.peakRssBytes();
            long hostMemory = engine.hostMemoryBytes();
            // after the timed tests: the profiler slows every step down
            progress.begin(who + ": device profile of " + PROFILED_STEPS + " greedy steps");
            Optional<DeviceStepProfile> profile = engine.profileGreedySteps(tokens(engine, 1, 4)[0],
                    Math.min(PROFILED_STEPS, engine.context() - 1));
            engine.reset();
            return new EngineRun(device, threads, loadSeconds, engine.compileSeconds(), peakRss,
                    engine.deviceMemoryBytes(), hostMemory, results, profile, engine.cacheTypeK().id(),
                    engine.cacheTypeV().id());
        }
    }

    private TestResult promptProcessing(InferenceEngine engine, String who, int n) {
        int[] prompt = tokens(engine, n, 1);
        Runs r = timedRuns(who, TestSpec.pp(n), engine::reset, () -> argmax(engine.prefill(prompt)));
        return new TestResult(TestSpec.pp(n), r.nanos(), r.nanos(), r.start()); // a prefill's time is its TTFT
    }

    private TestResult tokenGeneration(InferenceEngine engine, String who, int n) {
        TestSpec test = TestSpec.tg(n);
        int[] prompt = tokens(engine, BenchSettings.TG_PROMPT_TOKENS, 2);
        int reps = settings.repetitions();
        long[] samples = new long[reps], ttft = new long[reps];
        String start = null;
        for (int i = -settings.warmups(); i < reps; i++) { // i < 0: warm-up
            progress.begin(who + " " + test.name() + " " + runLabel(i));
            if (i == 0) start = now();
            engine.reset();
            long t0 = System.nanoTime();
            int token = argmax(engine.prefill(prompt));
            long t1 = System.nanoTime();
            decodeSteps(engine, token, n);
            long t2 = System.nanoTime();
            if (i >= 0) {
                samples[i] = t2 - t1;
                ttft[i] = t1 - t0;
            }
            progress.advance();
        }
        return new TestResult(test, samples, ttft, start);
    }

    private List<TestResult> contextSweep(InferenceEngine engine, String who) {
        List<TestResult> results = new ArrayList<>();
        if (settings.sweepDepths().isEmpty()) return results;
        int k = settings.sweepTokens();
        int[] fill = tokens(engine, settings.sweepDepths().getLast(), 3);
        engine.reset();
        int filled = 0;
        for (int depth : settings.sweepDepths()) {
            TestSpec test = TestSpec.tgAtDepth(k, depth);
            if (depth > filled) {
                progress.begin(who + " filling the context to " + depth + " tokens");
                moveTo(engine, fill, filled);
                engine.prefill(Arrays.copyOfRange(fill, filled, depth));
                filled = depth;
            }
            Runs r = timedRuns(who, test, () -> moveTo(engine, fill, depth),
                    () -> decodeSteps(engine, fill[Math.max(depth - 1, 0)], k));
            moveTo(engine, fill, depth);
            results.add(new TestResult(test, r.nanos(), new long[0], r.start()));
            if (settings.sweepPrompt() > 0) results.add(promptAtDepth(engine, who, fill, depth));
        }
        return results;
    }

    /** pp N @ dD: a prefill of N tokens with D already in the cache; rewinds to D before each run and after. */
    private TestResult promptAtDepth(InferenceEngine engine, String who, int[] fill, int depth) {
        TestSpec test = TestSpec.ppAtDepth(settings.sweepPrompt(), depth);
        int[] prompt = tokens(engine, settings.sweepPrompt(), 4);
        Runs r = timedRuns(who, test, () -> moveTo(engine, fill, depth), () -> argmax(engine.prefill(prompt)));
        moveTo(engine, fill, depth);
        return new TestResult(test, r.nanos(), new long[0], r.start());
    }

    /** The measured runs' nanoseconds and when the first of them began. */
    private record Runs(long[] nanos, String start) {}

    /** The warm-ups and then the measured runs of one test: {@code setup} untimed before each, {@code timed} timed. */
    private Runs timedRuns(String who, TestSpec test, Runnable setup, Runnable timed) {
        int reps = settings.repetitions();
        long[] samples = new long[reps];
        String start = null;
        for (int i = -settings.warmups(); i < reps; i++) { // i < 0: warm-up
            progress.begin(who + " " + test.name() + " " + runLabel(i));
            if (i == 0) start = now();
            setup.run();
            long t0 = System.nanoTime();
            timed.run();
            long dt = System.nanoTime() - t0;
            if (i >= 0) samples[i] = dt;
            progress.advance();
        }
        return new Runs(samples, start);
    }

    private static String label(io.github.lfm4j.kernels.cache.KvCacheType t) {
        return t == null ? "default" : t.id();
    }

    /** Leaves the engine holding {@code fill[0, depth)}: by rewinding where it can, else by prefilling again. */
    private static void moveTo(InferenceEngine engine, int[] fill, int depth) {
        if (engine.canRewindTo(depth)) {
            engine.rewind(depth);
        } else {
            engine.reset();
            if (depth > 0) engine.prefill(Arrays.copyOf(fill, depth));
        }
    }

    /** {@code n} greedy decode steps starting with {@code token}. */
    private static void decodeSteps(InferenceEngine engine, int token, int n) {
        for (int j = 0; j < n; j++) token = argmax(engine.decode(token));
    }

    private String runLabel(int i) {
        if (i >= 0) return "(run " + (i + 1) + "/" + settings.repetitions() + ")";
        return settings.warmups() == 1 ? "(warm-up)" : "(warm-up " + (settings.warmups() + i + 1) + "/" + settings.warmups() + ")";
    }

    /** Seeded random token ids; {@code stream} keeps the pp, tg and sweep prompts independent of one another. */
    private int[] tokens(InferenceEngine engine, int n, long stream) {
        return new SplittableRandom(settings.seed() * 31 + stream).ints(n, 0, engine.vocabularySize()).toArray();
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
