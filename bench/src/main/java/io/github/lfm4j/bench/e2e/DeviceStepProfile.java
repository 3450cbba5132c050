package io.github.lfm4j.bench.e2e;

/**
 * The GPU engine's device counters over {@code tokens} greedy decode steps after a warm-up step (profiler on, so
 * these steps are not among the timed ones): what a token costs the device and the host-device link.
 *
 * @param tokens      profiled decode steps
 * @param kernelNanos device kernel time over all of them
 * @param bytesIn     bytes copied host → device over all of them
 * @param bytesOut    bytes copied device → host over all of them
 */
public record DeviceStepProfile(int tokens, long kernelNanos, long bytesIn, long bytesOut) {

    public DeviceStepProfile {
        if (tokens < 1) throw new IllegalArgumentException("profiled " + tokens + " tokens");
    }

    public double bytesInPerToken() {
        return (double) bytesIn / tokens;
    }

    public double bytesOutPerToken() {
        return (double) bytesOut / tokens;
    }

    public double kernelMillisPerToken() {
        return kernelNanos / 1e6 / tokens;
    }
}
