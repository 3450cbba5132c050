package io.github.lfm4j.model.chat.thinking;

import java.util.Optional;

/**
 * The one object the generation loop consults per token for thinking control: the {@link ThinkingBudget} and a
 * {@link LoopGuard} together. A loop inside the trace ends the thinking or stops, as configured; a loop in the
 * answer always stops (there is no trace left to close). What happened is kept for the generation result.
 */
public final class ThinkingSupervisor {
    private final ThinkingBudget budget;
    private final LoopGuard loopGuard;
    private LoopGuard.Detection lastLoop;
    private ThinkingDecision lastIntervention = ThinkingDecision.CONTINUE;

    /** @param loopGuard may be null to disable loop detection */
    public ThinkingSupervisor(ThinkingBudget budget, LoopGuard loopGuard) {
        this.budget = budget;
        this.loopGuard = loopGuard;
    }

    public ThinkingDecision beforeFirstToken() {
        return remember(budget.beforeFirstToken());
    }

    /** After each generated token: its id (for loop detection) and decoded text (for trace tracking). */
    public ThinkingDecision onToken(int tokenId, String piece) {
        boolean wasThinking = budget.isThinking();
        ThinkingDecision fromBudget = budget.onToken(piece);
        if (wasThinking && !budget.isThinking() && loopGuard != null) loopGuard.reset(); // answer starts afresh
        if (fromBudget.kind() != ThinkingDecision.Kind.CONTINUE) {
            if (loopGuard != null) loopGuard.reset();
            return remember(fromBudget);
        }
        if (loopGuard == null) return ThinkingDecision.CONTINUE;
        Optional<LoopGuard.Detection> loop = loopGuard.onToken(tokenId);
        if (loop.isEmpty()) return ThinkingDecision.CONTINUE;
        LoopGuard.Detection d = loop.get();
        lastLoop = d;
        String what = "repetition loop (" + d.repeats() + " x " + d.period() + " tokens)";
        if (budget.isThinking() && d.action() == LoopGuard.Action.END_THINKING) {
            return remember(budget.closeNow(what + " in thinking", d));
        }
        return remember(ThinkingDecision.stop(what + (budget.isThinking() ? " in thinking" : " in answer"), d));
    }

    private ThinkingDecision remember(ThinkingDecision d) {
        if (d.kind() != ThinkingDecision.Kind.CONTINUE) lastIntervention = d;
        return d;
    }

    public ThinkingBudget budget() {
        return budget;
    }

    /** The last loop detected, if any (for the generation result). */
    public Optional<LoopGuard.Detection> lastLoop() {
        return Optional.ofNullable(lastLoop);
    }

    /** The last non-CONTINUE decision, or CONTINUE if none was needed. */
    public ThinkingDecision lastIntervention() {
        return lastIntervention;
    }
}
