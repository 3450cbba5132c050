package io.github.lfm4j.model.chat.thinking;

import java.util.Optional;

/**
 * Spots a generation stuck repeating itself (the thinking "doom loop": the same sentence, line or span of tokens
 * over and over). Fed one token id at a time; reports once the last {@code R} periods of some length {@code p}
 * are copies of each other.
 *
 * <p>How: for every candidate period {@code p} it keeps a running count of positions {@code i} in a trailing
 * window where {@code token[i] == token[i - p]}. A span of {@code R} repeats of a {@code p}-token unit is exactly a
 * window of {@code p·(R-1)} such positions all matching, so each token costs O(maxPeriod) and no search. With
 * {@code matchFraction < 1} a repeat may differ in a few tokens (a counter, a changed word) and still count.
 * Requiring a minimum span keeps short legitimate repetition ({@code "ha ha ha"}, a row of dashes) from
 * triggering: a period-{@code p} loop must cover at least {@code minSpanTokens} tokens and {@code minRepeats}
 * repeats.
 *
 * <p>Deterministic: the same token sequence always fires at the same token. After firing it starts afresh.
 */
public final class LoopGuard {

    /** What the generation loop should do about a detected loop. */
    public enum Action {
        /** Close the thinking trace and let the model answer. */
        END_THINKING,
        /** Stop generating. */
        STOP
    }

    /**
     * @param minPeriod shortest repeating unit considered, in tokens (&ge; 1)
     * @param maxPeriod longest repeating unit considered, in tokens
     * @param minRepeats how many consecutive copies make a loop (&ge; 2)
     * @param minSpanTokens a loop must also cover this many tokens (short units need more repeats)
     * @param matchFraction share of positions that must match across repeats (1.0 = exact copies)
     * @param action what to report for the generation loop to do
     */
    public record Config(int minPeriod, int maxPeriod, int minRepeats, int minSpanTokens, double matchFraction, Action action) {
        public Config {
            if (minPeriod < 1) throw new IllegalArgumentException("loop guard: minPeriod must be >= 1, got " + minPeriod);
            if (maxPeriod < minPeriod) throw new IllegalArgumentException("loop guard: maxPeriod " + maxPeriod + " < minPeriod " + minPeriod);
            if (maxPeriod > 4096) throw new IllegalArgumentException("loop guard: maxPeriod must be <= 4096, got " + maxPeriod);
            if (minRepeats < 2) throw new IllegalArgumentException("loop guard: minRepeats must be >= 2, got " + minRepeats);
            if (minSpanTokens < 0 || minSpanTokens > 1 << 16) throw new IllegalArgumentException("loop guard: minSpanTokens out of range: " + minSpanTokens);
            if (!(matchFraction > 0.5 && matchFraction <= 1.0)) {
                throw new IllegalArgumentException("loop guard: matchFraction must be in (0.5, 1], got " + matchFraction);
            }
            if (action == null) throw new IllegalArgumentException("loop guard: action is required");
        }

        /**
         * Tuned for reasoning traces: units of 1..256 tokens, at least 3 exact copies covering 64+ tokens (so a
         * one-token unit needs 64 copies), then end the thinking.
         */
        public static Config defaults() {
            return new Config(1, 256, 3, 64, 1.0, Action.END_THINKING);
        }

        public Config withAction(Action a) {
            return new Config(minPeriod, maxPeriod, minRepeats, minSpanTokens, matchFraction, a);
        }

        public Config withMatchFraction(double f) {
            return new Config(minPeriod, maxPeriod, minRepeats, minSpanTokens, f, action);
        }

        /** Copies of a {@code period}-token unit needed to fire. */
        public int repeatsFor(int period) {
            return Math.max(minRepeats, (minSpanTokens + period - 1) / period);
        }
    }

    /**
     * A detected loop.
     *
     * @param period tokens in the repeating unit
     * @param repeats copies of it at the end of the sequence
     * @param spanTokens tokens the loop covers ({@code period * repeats})
     * @param atToken index (0-based, counted from construction or the last reset) of the token that completed it
     * @param matchedFraction share of positions in the span that matched exactly
     * @param action what the caller was configured to do
     */
    public record Detection(int period, int repeats, int spanTokens, long atToken, double matchedFraction, Action action) {}

    private final Config config;
    private final int[] ring;
    private final int[] window;   // per period: comparisons in the window (p * (repeats - 1))
    private final int[] needed;   // per period: matches required to fire
    private final int[] matches;  // per period: running count of matches in the window
    private long count;           // tokens seen since reset
    private long total;           // tokens seen since construction

    public LoopGuard(Config config) {
        this.config = config;
        int periods = config.maxPeriod() + 1;
        window = new int[periods];
        needed = new int[periods];
        matches = new int[periods];
        int history = 0;
        for (int p = config.minPeriod(); p <= config.maxPeriod(); p++) {
            window[p] = p * (config.repeatsFor(p) - 1);
            needed[p] = (int) Math.ceil(config.matchFraction() * window[p] - 1e-9);
            history = Math.max(history, window[p] + p);
        }
        ring = new int[history + 1];
    }

    public Config config() {
        return config;
    }

    /** Feeds the next generated token; a detection when this token completes a loop. */
    public Optional<Detection> onToken(int tokenId) {
        long n = count;
        ring[(int) (n % ring.length)] = tokenId;
        count++;
        total++;
        Detection found = null;
        for (int p = config.minPeriod(); p <= config.maxPeriod(); p++) {
            if (n < p) break;
            if (tokenAt(n) == tokenAt(n - p)) matches[p]++;
            long leaving = n - window[p]; // the comparison that just slid out of the window
            if (leaving >= p && tokenAt(leaving) == tokenAt(leaving - p)) matches[p]--;
            if (found == null && n + 1 >= (long) window[p] + p && matches[p] >= needed[p]) {
                int repeats = config.repeatsFor(p);
                found = new Detection(p, repeats, p * repeats, total - 1, matches[p] / (double) window[p], config.action());
            }
        }
        if (found != null) reset();
        return Optional.ofNullable(found);
    }

    /** Forgets the history (e.g. when the trace was closed and the answer begins). */
    public void reset() {
        count = 0;
        java.util.Arrays.fill(matches, 0);
    }

    private int tokenAt(long i) {
        return ring[(int) (i % ring.length)];
    }
}
