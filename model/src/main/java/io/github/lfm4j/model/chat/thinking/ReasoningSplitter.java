package io.github.lfm4j.model.chat.thinking;

/**
 * Separates a thinking model's streamed output into reasoning and answer. LFM2.5-Thinking writes
 * {@code <think>…</think>} first, then the answer. Deltas arrive as the tokenizer decodes them, so a tag can be
 * split across deltas ({@code "</th"}, {@code "ink>"}): text that might be the start of a tag is held back until
 * the next delta decides it, and released by {@link #finish()}.
 *
 * <p>{@code <think>} is only recognised at the very start of the output (after optional whitespace); later
 * occurrences, like a second {@code </think>}, are ordinary answer text. When the prompt itself already opened the
 * trace (a template that ends the generation prompt with {@code <think>}), construct with
 * {@code promptOpenedThinking = true}: output then starts inside the reasoning. Text is passed through verbatim
 * (no trimming), so {@code "<think>" + reasoning + "</think>" + content} reproduces the output.
 */
public final class ReasoningSplitter {
    public static final String OPEN = "<think>";
    public static final String CLOSE = "</think>";

    /** Where in the output the splitter is. */
    public enum State {
        /** Nothing decided yet: the output may still begin with {@code <think>}. */
        START,
        /** Inside the thinking trace. */
        REASONING,
        /** In the answer (after {@code </think>}, or the output did not start with a trace). */
        CONTENT
    }

    private State state;
    private final StringBuilder pending = new StringBuilder();
    private boolean sawReasoning;

    public ReasoningSplitter(boolean promptOpenedThinking) {
        this.state = promptOpenedThinking ? State.REASONING : State.START;
        this.sawReasoning = promptOpenedThinking;
    }

    public State state() {
        return state;
    }

    /** True once a trace was opened (by the output or the prompt). */
    public boolean sawReasoning() {
        return sawReasoning;
    }

    /** Feeds the next decoded piece of output; returns what can be released now. */
    public ReasoningDelta accept(String delta) {
        pending.append(delta);
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        boolean progressed = true;
        while (progressed) {
            progressed = false;
            switch (state) {
                case START -> {
                    int i = 0;
                    while (i < pending.length() && Character.isWhitespace(pending.charAt(i))) i++;
                    String rest = pending.substring(i);
                    if (rest.startsWith(OPEN)) {
                        pending.delete(0, i + OPEN.length());
                        state = State.REASONING;
                        sawReasoning = true;
                        progressed = true;
                    } else if (!OPEN.startsWith(rest)) {
                        state = State.CONTENT; // not a trace: everything, whitespace included, is answer
                        progressed = true;
                    }
                }
                case REASONING -> {
                    int close = pending.indexOf(CLOSE);
                    if (close >= 0) {
                        reasoning.append(pending, 0, close);
                        pending.delete(0, close + CLOSE.length());
                        state = State.CONTENT;
                        progressed = true;
                    } else {
                        int keep = partialTagSuffix(pending, CLOSE);
                        reasoning.append(pending, 0, pending.length() - keep);
                        pending.delete(0, pending.length() - keep);
                    }
                }
                case CONTENT -> {
                    content.append(pending);
                    pending.setLength(0);
                }
            }
        }
        return new ReasoningDelta(reasoning.toString(), content.toString());
    }

    /** Releases anything held back; call once when generation ends. */
    public ReasoningDelta finish() {
        String rest = pending.toString();
        pending.setLength(0);
        return switch (state) {
            case REASONING -> new ReasoningDelta(rest, "");
            case START, CONTENT -> new ReasoningDelta("", rest);
        };
    }

    /** Splits a complete output in one go. */
    public static ReasoningSplit split(String text, boolean promptOpenedThinking) {
        ReasoningSplitter s = new ReasoningSplitter(promptOpenedThinking);
        ReasoningDelta a = s.accept(text);
        boolean closed = s.state() == State.CONTENT && s.sawReasoning();
        ReasoningDelta b = s.finish();
        return new ReasoningSplit(a.reasoning() + b.reasoning(), a.content() + b.content(),
                closed || !s.sawReasoning());
    }

    // Length of the longest proper suffix of buf that is a prefix of tag (it may be the tag's beginning).
    private static int partialTagSuffix(CharSequence buf, String tag) {
        int max = Math.min(buf.length(), tag.length() - 1);
        for (int len = max; len > 0; len--) {
            boolean match = true;
            for (int j = 0; j < len; j++) {
                if (buf.charAt(buf.length() - len + j) != tag.charAt(j)) {
                    match = false;
                    break;
                }
            }
            if (match) return len;
        }
        return 0;
    }
}
