package io.github.lfm4j.model.chat.thinking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ThinkingBudgetTest {

    @Test
    void forcesCloseAfterBudgetTokensInsideTheTrace() {
        ThinkingBudget b = new ThinkingBudget(3, false);
        assertEquals(ThinkingDecision.CONTINUE, b.onToken("<think>"));
        assertEquals(ThinkingDecision.CONTINUE, b.onToken("one"));
        assertEquals(ThinkingDecision.CONTINUE, b.onToken(" two"));
        ThinkingDecision d = b.onToken(" three");
        assertEquals(ThinkingDecision.Kind.INSERT, d.kind());
        assertEquals("\n</think>\n\n", d.text());
        assertEquals("thinking budget of 3 tokens reached", d.reason());
        assertEquals(3, b.thinkingTokens());
        assertFalse(b.isThinking());
        assertTrue(b.forcedClose());
        assertEquals(ThinkingDecision.CONTINUE, b.onToken("Answer"));
    }

    @Test
    void tagsSplitAcrossTokensAndNaturalCloseInsideBudget() {
        ThinkingBudget b = new ThinkingBudget(10, false);
        for (String piece : List.of("<", "think", ">", "a", "b", "</", "think", ">", "x", "y", "z", "w", "v", "u", "t", "s", "r", "q")) {
            assertEquals(ThinkingDecision.CONTINUE, b.onToken(piece), piece);
        }
        // "a", "b", "</", "think" were appended while inside the trace (the last two turned out to be the tag).
        assertEquals(4, b.thinkingTokens());
        assertFalse(b.forcedClose());
    }

    @Test
    void promptOpenedThinkingCountsFromTheFirstToken() {
        ThinkingBudget b = new ThinkingBudget(2, true);
        assertEquals(ThinkingDecision.CONTINUE, b.beforeFirstToken());
        assertEquals(ThinkingDecision.CONTINUE, b.onToken("a"));
        assertEquals(ThinkingDecision.Kind.INSERT, b.onToken("b").kind());
    }

    @Test
    void zeroBudgetClosesImmediately() {
        ThinkingBudget opened = new ThinkingBudget(0, true);
        assertEquals(ThinkingDecision.Kind.INSERT, opened.beforeFirstToken().kind());
        ThinkingBudget notOpened = new ThinkingBudget(0, false);
        assertEquals(ThinkingDecision.CONTINUE, notOpened.beforeFirstToken());
        assertEquals(ThinkingDecision.Kind.INSERT, notOpened.onToken("<think>").kind());
    }

    @Test
    void noTraceMeansNoIntervention() {
        ThinkingBudget b = new ThinkingBudget(1, false);
        for (String piece : List.of("Hello", " world", " <think>", " not a trace")) {
            assertEquals(ThinkingDecision.CONTINUE, b.onToken(piece));
        }
        assertEquals(0, b.thinkingTokens());
    }

    @Test
    void unlimitedBudget() {
        ThinkingBudget b = new ThinkingBudget(-1, true);
        for (int i = 0; i < 10_000; i++) assertEquals(ThinkingDecision.CONTINUE, b.onToken("x"));
        assertEquals(10_000, b.thinkingTokens());
    }

    @Test
    void supervisorEndsThinkingOnLoopThenStopsOnLoopInAnswer() {
        LoopGuard.Config cfg = new LoopGuard.Config(1, 16, 3, 12, 1.0, LoopGuard.Action.END_THINKING);
        ThinkingSupervisor s = new ThinkingSupervisor(new ThinkingBudget(1000, true), new LoopGuard(cfg));
        int[] unit = {10, 11, 12, 13};
        ThinkingDecision d = ThinkingDecision.CONTINUE;
        int fed = 0;
        while (d.kind() == ThinkingDecision.Kind.CONTINUE) {
            int id = unit[fed % 4];
            d = s.onToken(id, "t" + id + " ");
            fed++;
        }
        assertEquals(12, fed); // 3 repeats of a 4-token unit
        assertEquals(ThinkingDecision.Kind.INSERT, d.kind());
        assertEquals("repetition loop (3 x 4 tokens) in thinking", d.reason());
        assertEquals(4, d.loop().period());
        assertFalse(s.budget().isThinking());
        fed = 0;
        d = ThinkingDecision.CONTINUE;
        while (d.kind() == ThinkingDecision.Kind.CONTINUE && fed < 100) {
            d = s.onToken(7, "ha");
            fed++;
        }
        assertEquals(ThinkingDecision.Kind.STOP, d.kind());
        assertEquals(12, fed);
        assertEquals("repetition loop (12 x 1 tokens) in answer", d.reason());
        assertEquals(d, s.lastIntervention());
        assertEquals(1, s.lastLoop().orElseThrow().period());
    }
}
