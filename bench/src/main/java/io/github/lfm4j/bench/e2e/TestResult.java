package io.github.lfm4j.bench.e2e;

import java.util.Arrays;

/**
 * The measured repetitions of one test on one engine (the warm-up run is not included).
 *
 * @param test         what was run
 * @param samplesNanos wall time of the timed part of each repetition
 * @param ttftNanos    per repetition: time from the start of the test (fresh state) to the first token chosen:
 *                     prefill of the prompt plus picking the most likely token
 * @param testTime     when the first measured repetition started (ISO-8601 UTC)
 */
public record TestResult(TestSpec test, long[] samplesNanos, long[] ttftNanos, String testTime) {

    public TestResult {
        if (samplesNanos.length == 0) throw new IllegalArgumentException("no repetitions of " + test.name());
        samplesNanos = samplesNanos.clone();
        ttftNanos = ttftNanos.clone();
    }

    /** Tokens per second of each repetition. */
    public double[] samplesTokensPerSecond() {
        return Arrays.stream(samplesNanos).mapToDouble(ns -> test.tokens() * 1e9 / Math.max(ns, 1)).toArray();
    }

    public SampleStats tokensPerSecond() {
        return SampleStats.of(samplesTokensPerSecond());
    }

    public SampleStats nanos() {
        return SampleStats.of(Arrays.stream(samplesNanos).asDoubleStream().toArray());
    }

    /** Mean time to first token in milliseconds; NaN for tests that do not start from an empty state. */
    public double meanTtftMillis() {
        if (ttftNanos.length == 0) return Double.NaN;
        return Arrays.stream(ttftNanos).average().orElseThrow() / 1e6;
    }
}
