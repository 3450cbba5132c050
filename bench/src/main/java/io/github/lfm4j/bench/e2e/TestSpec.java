package io.github.lfm4j.bench.e2e;

/**
 * One benchmark test, named as llama-bench names them: {@code pp512} (prefill 512 tokens into an empty state),
 * {@code tg128} (128 decode steps), {@code tg16 @ d4096} (16 decode steps after 4096 tokens already in the cache), {@code pp512 @ d4096} (a 512-token
 * prefill after them).
 *
 * @param kind   prompt processing, token generation, or either at a context depth (the sweep)
 * @param tokens tokens prefilled (pp, sweep pp) or generated (tg, sweep)
 * @param depth  tokens already in the cache when the timed part starts (sweep), else 0
 */
public record TestSpec(Kind kind, int tokens, int depth) {

    /** SWEEP: decode steps at a depth; SWEEP_PP: a prefill at a depth. */
    public enum Kind { PP, TG, SWEEP, SWEEP_PP }

    public TestSpec {
        if (tokens < 1) throw new IllegalArgumentException("a test needs at least 1 token, got " + tokens);
        if (depth < 0) throw new IllegalArgumentException("context depth must be >= 0, got " + depth);
        if (depth != 0 && kind != Kind.SWEEP && kind != Kind.SWEEP_PP) throw new IllegalArgumentException("only sweep tests have a depth");
    }

    public static TestSpec pp(int tokens) {
        return new TestSpec(Kind.PP, tokens, 0);
    }

    public static TestSpec tg(int tokens) {
        return new TestSpec(Kind.TG, tokens, 0);
    }

    public static TestSpec tgAtDepth(int tokens, int depth) {
        return new TestSpec(Kind.SWEEP, tokens, depth);
    }

    public static TestSpec ppAtDepth(int tokens, int depth) {
        return new TestSpec(Kind.SWEEP_PP, tokens, depth);
    }

    /** Whether the timed part is a prefill (pp, sweep pp) rather than decode steps. */
    public boolean isPrefill() {
        return kind == Kind.PP || kind == Kind.SWEEP_PP;
    }

    public String name() {
        String base = (isPrefill() ? "pp" : "tg") + tokens;
        return kind == Kind.SWEEP || kind == Kind.SWEEP_PP ? base + " @ d" + depth : base;
    }

    /** llama-bench's n_prompt: tokens prefilled in the timed part. */
    public int nPrompt() {
        return isPrefill() ? tokens : 0;
    }

    /** llama-bench's n_gen: tokens decoded in the timed part. */
    public int nGen() {
        return isPrefill() ? 0 : tokens;
    }
}
