package io.github.lfm4j.bench.e2e;

/**
 * Mean and sample standard deviation (Bessel-corrected, as llama-bench reports them; 0 for a single sample).
 */
public record SampleStats(double mean, double stddev) {

    public static SampleStats of(double[] samples) {
        if (samples.length == 0) throw new IllegalArgumentException("no samples");
        double sum = 0;
        for (double s : samples) sum += s;
        double mean = sum / samples.length;
        if (samples.length == 1) return new SampleStats(mean, 0);
        double sq = 0;
        for (double s : samples) sq += (s - mean) * (s - mean); // two-pass: no cancellation for close samples
        return new SampleStats(mean, Math.sqrt(sq / (samples.length - 1)));
    }
}
