package io.github.lfm4j.runner.engine;

import io.github.lfm4j.kernels.cache.KvCacheType;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.sampling.Sampler;
import io.github.lfm4j.model.sampling.SamplerParams;
import io.github.lfm4j.model.synth.SynthShape;
import io.github.lfm4j.model.synth.SyntheticModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static io.github.lfm4j.kernels.cache.KvCacheType.F16;
import static io.github.lfm4j.kernels.cache.KvCacheType.F32;
import static io.github.lfm4j.kernels.cache.KvCacheType.Q8_0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine with f16 and q8_0 KV caches against its f32 cache (whose attention the kernel test and
 * {@link EngineVsReferenceTest} check against float64): logits within 1e-3 (f16) and 2e-2 (q8_0) of the f32 cache's,
 * relative to the largest logit; greedy continuations on the F32 fixtures unchanged with f16 where the top-two margin
 * is safe; prefill-then-decode equal to token-by-token decode and a second turn equal to a fresh run, per type.
 * q8_0 needs a head size that is a multiple of 32: the tiny fixtures' is 16, so q8_0 runs on the synthetic
 * {@code small} F32 model (head size 64, as the 1.2B's).
 */
class KvCacheTypesTest {
    static final int[] LONG = new Random(3).ints(300, 16, 3000).toArray(); // five tiles, across a 256-position block
    static final int[] A = new Random(1).ints(19, 0, 3000).toArray();
    static final int[] B = new Random(2).ints(11, 0, 3000).toArray();
    @TempDir
    static Path dir;
    static Lfm2Model tiny, small;

    @BeforeAll
    static void load() throws IOException {
        tiny = Lfm2Model.load(Fixtures.model("tiny-f32.gguf"), 2);
        Path file = dir.resolve("small-f32.gguf");
        SyntheticModel.write(file, SynthShape.SMALL, GGMLType.F32, 17, null, 2);
        small = Lfm2Model.load(file, 2);
    }

    @AfterAll
    static void close() {
        tiny.close();
        small.close();
    }

    static double relativeDiff(float[] expected, float[] actual) {
        double worst = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return worst / scale;
    }

    /** Prefill of {@code prompt} in batches of 64, then 8 greedy decode steps; the logits of every step. */
    static float[][] run(Lfm2Model m, KvCacheType k, KvCacheType v, int[] prompt, int[] forced) {
        Session s = m.newSession(512, 64, k, v);
        float[][] out = new float[forced.length + 1][];
        out[0] = s.prefill(prompt).clone();
        for (int i = 0; i < forced.length; i++) out[i + 1] = s.decode(forced[i]).clone();
        return out;
    }

    @ParameterizedTest(name = "{0} cache on {1}")
    @CsvSource({"f16, tiny, 1e-3", "f16, small, 1e-3", "q8_0, small, 2e-2"})
    void logitsStayWithinTheTypesToleranceOfTheF32Cache(String type, String model, double tolerance) {
        Lfm2Model m = model.equals("tiny") ? tiny : small;
        KvCacheType t = KvCacheType.parse(type);
        int[] forced = new Random(9).ints(8, 16, 3000).toArray();
        float[][] want = run(m, F32, F32, LONG, forced);
        for (KvCacheType[] kv : new KvCacheType[][]{{t, t}, {t, F32}, {F32, t}}) {
            float[][] got = run(m, kv[0], kv[1], LONG, forced);
            double worst = 0;
            for (int i = 0; i < want.length; i++) worst = Math.max(worst, relativeDiff(want[i], got[i]));
            System.out.printf("%s: K %s V %s: largest relative difference to the f32 cache %.2e%n", model, kv[0], kv[1], worst);
            assertTrue(worst <= tolerance, model + " K " + kv[0] + " V " + kv[1] + ": " + worst + " > " + tolerance);
            assertTrue(worst > 0 || kv[0] == F32 && kv[1] == F32, "the cache type changed nothing");
        }
    }

    @Test
    void greedyOnTheF32FixturesIsUnchangedWithAnF16CacheWhereTheMarginIsSafe() throws IOException {
        for (GenerationCasesTest.Case c : GenerationCasesTest.cases()) {
            if (!c.model().equals("tiny-f32.gguf")) continue;
            Generator.Result r = Generator.generate(tiny.newSession(128, F16, F16), c.prompt(),
                    new Sampler(SamplerParams.greedy()), c.refGreedy().length, null, null);
            // the f32 cache's top-two margins along the fixture's path: where one is below twice the f16 tolerance
            // (1e-3 of the largest logit), a flipped choice is rounding, not an error; compare up to there
            Session s = tiny.newSession(128, F32, F32);
            float[] logits = s.prefill(c.prompt());
            int safe = 0;
            while (safe < c.refGreedy().length && margin(logits) > 2e-3 * maxAbs(logits)) {
                logits = s.decode(c.refGreedy()[safe++]);
            }
            assertTrue(safe >= 8, "margins too small to test: " + safe);
            assertArrayEquals(Arrays.copyOf(c.refGreedy(), safe), Arrays.copyOf(r.tokens(), safe), c.model());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"f32, tiny", "f16, tiny", "f16, small", "q8_0, small"})
    void prefillThenDecodeEqualsTokenByTokenDecode(String type, String model) {
        Lfm2Model m = model.equals("tiny") ? tiny : small;
        KvCacheType t = KvCacheType.parse(type);
        Session one = m.newSession(64, 1, t, t);
        float[] expected = null;
        for (int token : A) expected = one.decode(token).clone();
        for (int batch : new int[]{4, 19}) {
            float[] got = m.newSession(64, batch, t, t).prefill(A);
            // the same keys up to the batched products' float rounding, which can move a value across a rounding
            // boundary of the stored type: differences stay far below the type's tolerance
            assertTrue(relativeDiff(expected, got) < 1e-4, type + " batch " + batch + ": " + relativeDiff(expected, got));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"f16, tiny", "q8_0, small"})
    void aSecondTurnOverAQuantizedCacheEqualsAFreshRun(String type, String model) {
        Lfm2Model m = model.equals("tiny") ? tiny : small;
        KvCacheType t = KvCacheType.parse(type);
        Session s = m.newSession(64, 8, t, t);
        s.prefill(A);
        for (int token : new int[]{5, 6, 7}) s.decode(token);
        s.rewind(A.length);
        int[] whole = Arrays.copyOf(A, A.length + B.length);
        System.arraycopy(B, 0, whole, A.length, B.length);
        float[] continued = s.prefill(B).clone();
        float[] fresh = m.newSession(64, 8, t, t).prefill(whole);
        assertTrue(relativeDiff(fresh, continued) < 1e-4, type + ": " + relativeDiff(fresh, continued));
        assertEquals(Sampler.argmax(fresh, fresh.length), Sampler.argmax(continued, continued.length));
    }

    @Test
    void q8_0OnAHeadSizeThatIsNotAMultipleOf32IsAOneLineError() {
        var e = assertThrows(IllegalArgumentException.class, () -> tiny.newSession(64, Q8_0, F16));
        assertTrue(e.getMessage().contains("multiple of 32") && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void memoryFollowsTheTypeBytes() {
        long[] bytes = new long[3];
        KvCacheType[] types = {F32, F16, Q8_0};
        for (int i = 0; i < 3; i++) {
            Session s = small.newSession(512, 64, types[i], types[i]);
            long before = s.heapBytes();
            s.prefill(LONG);
            bytes[i] = s.heapBytes() - before;
        }
        // 300 positions fill two blocks of 256 in each of the 2 attention layers; kvDim 128
        long values = 2L * 2 * 256 * 128 * 2;
        assertEquals(values * 4, bytes[0]);
        assertEquals(values * 2, bytes[1]);
        assertEquals(values / 32 * 34, bytes[2]);
    }

    static float margin(float[] l) {
        float a = Float.NEGATIVE_INFINITY, b = Float.NEGATIVE_INFINITY;
        for (float x : l) {
            if (x > a) {
                b = a;
                a = x;
            } else if (x > b) b = x;
        }
        return a - b;
    }

    static float maxAbs(float[] l) {
        float m = 0;
        for (float x : l) m = Math.max(m, Math.abs(x));
        return m;
    }
}
