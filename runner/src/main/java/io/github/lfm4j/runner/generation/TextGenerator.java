package io.github.lfm4j.runner.generation;

import io.github.lfm4j.model.chat.thinking.LoopGuard;
import io.github.lfm4j.model.chat.thinking.ReasoningDelta;
import io.github.lfm4j.model.chat.thinking.ReasoningSplitter;
import io.github.lfm4j.model.chat.thinking.ThinkingBudget;
import io.github.lfm4j.model.chat.thinking.ThinkingDecision;
import io.github.lfm4j.model.chat.thinking.ThinkingSupervisor;
import io.github.lfm4j.model.sampling.Sampler;
import io.github.lfm4j.model.tokenizer.StreamingDecoder;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import io.github.lfm4j.runner.api.FinishReason;
import io.github.lfm4j.runner.api.GenerationEvent;
import io.github.lfm4j.runner.api.GenerationListener;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.GenerationResult;
import io.github.lfm4j.runner.api.TokenSelector;
import io.github.lfm4j.runner.api.Usage;

import java.util.function.BooleanSupplier;

/**
 * The text-level generation loop on top of an engine session: reuse the cached prompt prefix, prefill the rest,
 * then select, decode and feed back one token at a time while turning tokens into text (whole characters only),
 * holding back possible stop strings, splitting the thinking trace from the answer (chat), taking tool calls out of
 * the answer (chat), and letting the {@link ThinkingSupervisor} force {@code </think>} in (thinking budget) or end
 * a repetition loop. One instance per generation.
 */
public final class TextGenerator {

    /** Raw completion (all text is content) or a chat turn (thinking, tool calls). */
    public enum Mode { COMPLETION, CHAT }

    private final CachedSession cache;
    private final Tokenizer tokenizer;
    private final Mode mode;
    private final GenerationOptions options;
    private final GenerationListener listener;
    private final BooleanSupplier cancelled;

    private final StreamingDecoder decoder;
    private final StopStringFilter stopFilter;
    private final ReasoningSplitter splitter;
    private final ToolCallStream toolStream = new ToolCallStream();
    private final ThinkingSupervisor supervisor;
    private final StringBuilder text = new StringBuilder(), reasoning = new StringBuilder(), content = new StringBuilder();
    private final GrammarConstraint constraint;
    private boolean listenerCancelled;

    /**
     * @param promptOpensThinking the rendered prompt ends inside a thinking trace (chat)
     * @param listener            may be null
     * @param cancelled           polled before each token; may be null
     */
    public TextGenerator(CachedSession cache, Tokenizer tokenizer, Mode mode, boolean promptOpensThinking,
                         GenerationOptions options, GenerationListener listener, BooleanSupplier cancelled) {
        this.cache = cache;
        this.tokenizer = tokenizer;
        this.mode = mode;
        this.options = options;
        this.listener = listener;
        this.cancelled = cancelled;
        this.decoder = tokenizer.streamingDecoder(false);
        this.stopFilter = new StopStringFilter(options.stop());
        this.splitter = new ReasoningSplitter(promptOpensThinking);
        if (mode == Mode.CHAT) {
            LoopGuard.Config lg = options.loopGuard();
            this.supervisor = new ThinkingSupervisor(
                    new ThinkingBudget(options.effectiveThinkingBudget(), promptOpensThinking),
                    lg == null ? null : new LoopGuard(lg));
        } else {
            this.supervisor = null;
        }
        this.constraint = options.grammar() == null ? null
                : new GrammarConstraint(options.grammar(), tokenizer, mode == Mode.CHAT, promptOpensThinking,
                        options.thinking());
    }

    /**
     * Generates the answer to {@code prompt} (token ids of the whole prompt; the cached prefix is reused).
     *
     * @param startNanos when the caller's request began ({@link System#nanoTime()}), for the time to first token
     * @throws IllegalArgumentException (one line) when the prompt does not fit in the context
     */
    public GenerationResult run(int[] prompt, long startNanos) {
        int context = cache.context();
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (prompt.length >= context) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens does not fit in the context of "
                    + context + " tokens (with room for an answer)");
        }
        int cached = cache.rewindFor(prompt);
        long t0 = System.nanoTime();
        float[] logits = cache.prefill(prompt, cached, prompt.length);
        long promptNanos = System.nanoTime() - t0;

        TokenSelector selector = options.selector() != null ? options.selector() : new Sampler(options.sampling())::sample;
        int limit = context - prompt.length;
        if (options.maxTokens() > 0) limit = Math.min(limit, options.maxTokens());

        int produced = 0, decodeSteps = 0;
        long decodeNanos = 0, firstTokenNanos = 0;
        FinishReason finish = null;
        int[] toFeed = null;
        if (supervisor != null) {
            ThinkingDecision d = supervisor.beforeFirstToken();
            if (d.kind() == ThinkingDecision.Kind.INSERT) {
                toFeed = tokenizer.encode(d.text(), false, true);
                produced += toFeed.length;
                for (int t : toFeed) emit(tokenText(t));
            }
        }
        while (finish == null) {
            if (toFeed != null) {
                if (cache.length() + toFeed.length > context) {
                    finish = FinishReason.LENGTH;
                    break;
                }
                long t1 = System.nanoTime();
                logits = toFeed.length == 1 ? cache.decode(toFeed[0]) : cache.prefill(toFeed, 0, toFeed.length);
                decodeNanos += System.nanoTime() - t1;
                decodeSteps += toFeed.length;
                toFeed = null;
            }
            if (listenerCancelled || (cancelled != null && cancelled.getAsBoolean())) {
                finish = FinishReason.CANCELLED;
                break;
            }
            if (produced >= limit) {
                finish = FinishReason.LENGTH;
                break;
            }
            if (constraint != null && constraint.finished()) {
                finish = FinishReason.STOP;
                break;
            }
            boolean constrained = constraint != null && constraint.active();
            int token = constrained ? constraint.select(selector, logits, cache.historyArray(), cache.length())
                    : selector.select(logits, cache.historyArray(), cache.length());
            if (firstTokenNanos == 0) firstTokenNanos = System.nanoTime() - startNanos;
            if (token == tokenizer.eos() || tokenizer.isEndOfGeneration(token)) {
                finish = FinishReason.STOP;
                break;
            }
            produced++;
            if (constrained) constraint.accept(token);
            String piece = tokenText(token);
            ThinkingDecision decision = supervisor == null ? ThinkingDecision.CONTINUE : supervisor.onToken(token, piece);
            emit(piece);
            toFeed = new int[]{token};
            if (decision.kind() == ThinkingDecision.Kind.INSERT) {
                int[] inserted = tokenizer.encode(decision.text(), false, true);
                int[] both = new int[1 + inserted.length];
                both[0] = token;
                System.arraycopy(inserted, 0, both, 1, inserted.length);
                toFeed = both;
                produced += inserted.length;
                for (int t : inserted) emit(tokenText(t));
            }
            // decided before feeding the token back, so that a finished generation costs no extra decode step
            if (stopFilter.matched() != null) finish = FinishReason.STOP;
            else if (constraint != null && constraint.finished()) finish = FinishReason.STOP;
            else if (decision.kind() == ThinkingDecision.Kind.STOP) finish = FinishReason.LOOP;
            else if (listenerCancelled || (cancelled != null && cancelled.getAsBoolean())) finish = FinishReason.CANCELLED;
            else if (produced >= limit) finish = FinishReason.LENGTH;
        }
        if (stopFilter.matched() == null) {
            emit(decoder.flush());
            release(stopFilter.finish());
        }
        finishStreams();
        if (finish == FinishReason.STOP && mode == Mode.CHAT && !toolStream.calls().isEmpty()) {
            finish = FinishReason.TOOL_CALLS;
        }

        int reasoningTokens = supervisor == null ? 0 : supervisor.budget().thinkingTokens();
        Usage usage = new Usage(prompt.length, cached, produced, reasoningTokens, promptNanos, decodeSteps,
                decodeNanos, firstTokenNanos);
        String intervention = supervisor == null ? "" : supervisor.lastIntervention().reason();
        LoopGuard.Detection loop = supervisor == null ? null : supervisor.lastLoop().orElse(null);
        GenerationResult result = new GenerationResult(content.toString(), reasoning.toString(), toolStream.calls(),
                toolStream.errors(), finish, usage, intervention, loop, text.toString());
        if (listener != null) listener.onEvent(new GenerationEvent.Done(result));
        return result;
    }

    /** The decoded text of a token added to the output, which the grammar constraint follows too. */
    private String tokenText(int token) {
        String piece = decoder.next(token);
        if (constraint != null) constraint.onText(piece);
        return piece;
    }

    /** Decoded text of generated tokens: stop strings are looked for first, then what is certain goes on. */
    private void emit(String piece) {
        if (piece.isEmpty()) return;
        release(stopFilter.accept(piece));
    }

    private void release(String certain) {
        if (certain.isEmpty()) return;
        text.append(certain);
        if (mode == Mode.COMPLETION) {
            content(certain);
            return;
        }
        route(splitter.accept(certain));
    }

    private void route(ReasoningDelta d) {
        if (!d.reasoning().isEmpty()) reasoning(d.reasoning());
        if (d.content().isEmpty()) return;
        // a constrained answer holds no tool call (the grammar allows no control token): text that merely looks
        // like tool-call markup must stay part of it
        if (constraint != null && !constraint.writesSpecialTokens()) content(d.content());
        else answer(toolStream.accept(d.content()));
    }

    private void finishStreams() {
        if (mode == Mode.COMPLETION) return;
        route(splitter.finish());
        answer(toolStream.finish());
    }

    private void answer(ToolCallStream.Output out) {
        if (!out.content().isEmpty()) content(out.content());
        for (var call : out.calls()) send(new GenerationEvent.ToolCallReady(call));
    }

    // Leading whitespace of the trace and of the answer (the newlines around the think tags) is not part of either.
    private void reasoning(String s) {
        if (reasoning.isEmpty()) s = s.stripLeading();
        if (s.isEmpty()) return;
        reasoning.append(s);
        send(new GenerationEvent.Reasoning(s));
    }

    private void content(String s) {
        if (content.isEmpty() && mode == Mode.CHAT) s = s.stripLeading();
        if (s.isEmpty()) return;
        content.append(s);
        send(new GenerationEvent.Content(s));
    }

    private void send(GenerationEvent e) {
        if (listener != null && !listener.onEvent(e)) listenerCancelled = true;
    }
}
