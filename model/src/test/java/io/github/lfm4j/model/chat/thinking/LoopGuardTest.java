package io.github.lfm4j.model.chat.thinking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LoopGuardTest {

    /** Feeds tokens; returns the first detection with the index of the token that fired it. */
    private static Optional<LoopGuard.Detection> feed(LoopGuard g, List<Integer> tokens) {
        for (int t : tokens) {
            Optional<LoopGuard.Detection> d = g.onToken(t);
            if (d.isPresent()) return d;
        }
        return Optional.empty();
    }

    private static List<Integer> randomTokens(Random rnd, int n, int vocab) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(rnd.nextInt(vocab));
        return out;
    }

    /** A unit of distinct tokens, so its smallest period is its length. */
    private static List<Integer> distinctUnit(Random rnd, int p) {
        List<Integer> unit = new ArrayList<>();
        while (unit.size() < p) {
            int t = 100_000 + rnd.nextInt(50_000);
            if (!unit.contains(t)) unit.add(t);
        }
        return unit;
    }

    static java.util.stream.IntStream everyPeriod() {
        return java.util.stream.IntStream.rangeClosed(1, 256);
    }

    @ParameterizedTest
    @MethodSource("everyPeriod")
    void detectsExactLoopsAtTheExpectedToken(int p) {
        LoopGuard.Config cfg = LoopGuard.Config.defaults();
        Random rnd = new Random(p);
        List<Integer> prefix = randomTokens(rnd, 300, 60_000);
        List<Integer> unit = distinctUnit(rnd, p);
        List<Integer> seq = new ArrayList<>(prefix);
        int repeats = Math.max(3, (64 + p - 1) / p); // independent of the code: max(minRepeats, ceil(minSpan/p))
        for (int r = 0; r < repeats + 3; r++) seq.addAll(unit);
        LoopGuard.Detection d = feed(new LoopGuard(cfg), seq).orElseThrow();
        assertEquals(p, d.period());
        assertEquals(repeats, d.repeats());
        assertEquals(p * repeats, d.spanTokens());
        assertEquals(prefix.size() + p * repeats - 1, d.atToken());
        assertEquals(1.0, d.matchedFraction());
        assertEquals(LoopGuard.Action.END_THINKING, d.action());
    }

    @Test
    void noiseInEachRepeatNeedsTolerance() {
        Random rnd = new Random(7);
        int p = 24;
        List<Integer> unit = distinctUnit(rnd, p);
        List<Integer> seq = new ArrayList<>(randomTokens(rnd, 200, 60_000));
        for (int r = 0; r < 12; r++) {
            List<Integer> copy = new ArrayList<>(unit);
            copy.set(5, 200_000 + r); // e.g. "Step 7" becoming "Step 8"
            seq.addAll(copy);
        }
        assertTrue(feed(new LoopGuard(LoopGuard.Config.defaults()), seq).isEmpty(), "exact matching ignores varied repeats");
        LoopGuard.Detection d = feed(new LoopGuard(LoopGuard.Config.defaults().withMatchFraction(0.9)), seq).orElseThrow();
        assertEquals(p, d.period());
        assertTrue(d.matchedFraction() >= 0.9 && d.matchedFraction() < 1.0, "fraction " + d.matchedFraction());
    }

    @Test
    void noFalsePositiveOnVariedText() {
        String text = """
                The LFM2 architecture mixes short convolutions with grouped-query attention. Each convolution block
                gates its input twice, which keeps the state small on phones. Attention layers appear only six times
                in sixteen, so the cache grows slowly. Training used twenty-eight trillion tokens across eight
                languages; evaluation covered maths, instruction following and tool use.
                Le modèle répond en français quand on lui parle français, et il garde un ton précis. Les nombres sont
                écrits avec soin : 3,14 ; 2,718 ; 1,618. Parfois il hésite, puis il vérifie son calcul.
                東京は日本の首都です。大阪は商業の町として知られています。京都には古い寺がたくさんあります。
                Der Zug fährt um acht Uhr ab, aber heute hat er Verspätung. Wir warten am Gleis und trinken Kaffee.
                First, compute 17 * 23. 17 * 20 = 340 and 17 * 3 = 51, so the product is 391. Then check: 391 / 17 = 23.
                Wait, let me double-check the second step. 17 * 3 is 51, yes. So the answer is 391.
                | name | value |
                |------|-------|
                | a    | 1     |
                | b    | 2     |
                """;
        Map<String, Integer> vocab = new HashMap<>();
        List<Integer> tokens = new ArrayList<>();
        for (String w : text.split("(?<=\\s)|(?=\\s)|(?<=\\p{Punct})|(?=\\p{Punct})")) {
            tokens.add(vocab.computeIfAbsent(w, k -> vocab.size()));
        }
        // Feed the text 2 times with different surrounding so no full-text repeat makes a 3x loop.
        List<Integer> seq = new ArrayList<>(tokens);
        seq.addAll(randomTokens(new Random(1), 50, 1000));
        seq.addAll(tokens);
        assertTrue(feed(new LoopGuard(LoopGuard.Config.defaults()), seq).isEmpty());
        assertTrue(feed(new LoopGuard(LoopGuard.Config.defaults().withMatchFraction(0.9)), seq).isEmpty());
    }

    @Test
    void noFalsePositiveOnLongRandomStreamsEvenWithTinyVocab() {
        Random rnd = new Random(3);
        for (int vocab : new int[] {8, 50, 65_536}) {
            LoopGuard g = new LoopGuard(LoopGuard.Config.defaults().withMatchFraction(0.9));
            assertTrue(feed(g, randomTokens(rnd, 20_000, vocab)).isEmpty(), "vocab " + vocab);
        }
    }

    @Test
    void shortLegitimateRepetitionDoesNotFire() {
        // "ha ha ha ha" (unit of 2, 4 repeats) and a 20-token row of dashes are below the 64-token span.
        List<Integer> seq = new ArrayList<>(randomTokens(new Random(5), 100, 60_000));
        for (int i = 0; i < 4; i++) seq.addAll(List.of(900_001, 900_002));
        seq.addAll(randomTokens(new Random(6), 50, 60_000));
        for (int i = 0; i < 20; i++) seq.add(900_003);
        seq.addAll(randomTokens(new Random(7), 50, 60_000));
        assertTrue(feed(new LoopGuard(LoopGuard.Config.defaults()), seq).isEmpty());
    }

    @Test
    void deterministicAndStartsAfreshAfterFiring() {
        Random rnd = new Random(11);
        List<Integer> unit = distinctUnit(rnd, 10);
        List<Integer> seq = new ArrayList<>(randomTokens(rnd, 40, 60_000));
        for (int r = 0; r < 20; r++) seq.addAll(unit);
        LoopGuard g = new LoopGuard(LoopGuard.Config.defaults().withAction(LoopGuard.Action.STOP));
        List<Long> fired = new ArrayList<>();
        for (int t : seq) g.onToken(t).ifPresent(d -> fired.add(d.atToken()));
        // span is 70 tokens (7 x 10): first at 40 + 70 - 1, then every further 70 tokens.
        assertEquals(List.of(109L, 179L), fired);
        LoopGuard g2 = new LoopGuard(LoopGuard.Config.defaults().withAction(LoopGuard.Action.STOP));
        List<Long> again = new ArrayList<>();
        for (int t : seq) g2.onToken(t).ifPresent(d -> again.add(d.atToken()));
        assertEquals(fired, again);
    }

    @Test
    void badConfigIsAOneLineError() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new LoopGuard.Config(0, 10, 3, 10, 1.0, LoopGuard.Action.STOP));
        assertEquals("loop guard: minPeriod must be >= 1, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LoopGuard.Config(1, 10, 1, 10, 1.0, LoopGuard.Action.STOP));
        assertThrows(IllegalArgumentException.class, () -> new LoopGuard.Config(1, 10, 3, 10, 0.3, LoopGuard.Action.STOP));
    }
}
