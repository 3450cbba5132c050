package io.github.lfm4j.tornadovm.engine;

// the GPU engine keeps an f32 KV cache: the CPU sessions it is compared with do too
import static io.github.lfm4j.kernels.cache.KvCacheType.F32;

import io.github.lfm4j.runner.engine.Lfm2Model;
import io.github.lfm4j.runner.engine.Session;
import io.github.lfm4j.runner.engine.spi.GpuDevice;
import io.github.lfm4j.runner.engine.spi.GpuEngineProvider;
import io.github.lfm4j.runner.engine.spi.GpuEngines;
import io.github.lfm4j.runner.engine.spi.GpuModel;
import io.github.lfm4j.runner.engine.spi.GpuSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole GPU model against the CPU engine (runner's Session, itself tested against an independent reference) on
 * the tiny synthetic models, and the GPU session's state handling.
 */
class EngineVsCpuTest {
    /**
     * Logits may differ by summation order (work-group tree reductions vs the CPU's vector lanes) and the float
     * sqrt/exp of the device: |gpu - cpu| ≤ 1e-3 · max(1, max|cpu logit|) at every position on F32 models, and on
     * quantized ones at three quarters of independent first tokens (measured: ~1e-6 relative at most positions).
     */
    static final double TOLERANCE = 1e-3;

    /**
     * Both engines round the inputs of Q8_0/Q4_0 products to int8 with the same formula, but their float inputs
     * differ in the last bits, so now and then one activation lands on the other side of a rounding boundary and its
     * quant differs by one. On the tiny random models that moves logits by up to a few 1e-2 relative (measured GPU
     * vs CPU over several runs: 1.0e-2 to 3.2e-2 at 1 to 33 of 70 positions, 1.4e-2 at 2 of 40 first tokens, none in
     * others), and through the KV cache and conv state for positions after. The CPU
     * engine shows the same on its own: with every norm weight moved by one ulp its logits moved by up to 3.2e-2
     * relative. Every position must stay within this bound, about three times the largest seen, so that a run with
     * two flips does not fail; gross kernel errors (a sign, a scale) move logits by O(1).
     */
    static final double QUANTIZED_TOLERANCE = 0.1;

    /**
     * GPU vs CPU prefill on Q8_0/Q4_0: the products use float activations on both engines, but the logits come from
     * the decode product, whose int8 rounding of the final norm's output can flip where the inputs differ in the last
     * bits (see {@link #QUANTIZED_TOLERANCE}). Measured: 4.9e-7 to 5.9e-7; a flipped quant there moves logits by
     * about 1e-2, a wrong product by O(1).
     */
    static final double PREFILL_QUANTIZED_TOLERANCE = 2e-2;

    /**
     * Quantized models, prefill (float activations) against decode (int8 activations) of the same tokens, on either
     * engine: not a rounding flip but two schemes, 70 tokens through the KV cache and conv state. Measured on the
     * GPU: 3.2e-2 to 7.9e-2 for the last prompt token, 3.4e-2 to 6.7e-2 for decode steps after the prefill.
     */
    static final double INT8_VS_FLOAT_TOLERANCE = 0.2;

    /** A shared test fixture, or one of the synthetic K-quant models of {@link KQuantFixtures}. */
    static Path fixture(String name) {
        if (KQuantFixtures.owns(name)) return KQuantFixtures.path(name);
        Path p = Path.of(System.getProperty("lfm4j.fixtures", "../model/src/test/resources/fixtures")).resolve(name);
        if (!Files.isRegularFile(p)) throw new IllegalStateException("missing test fixture " + p.toAbsolutePath());
        return p;
    }

    static final int CONTEXT = 160;
    /**
     * Loaded once per fixture for every engine test class of the JVM (the first step compiles ~110-140 kernels: most
     * of the tests' time on PoCL); never closed, the device memory goes with the test JVM.
     */
    static final Map<String, GpuModel> ENGINES = new HashMap<>();

    /** Loads through the ServiceLoader-found provider, as the runner does. */
    static GpuModel engine(String name) {
        return ENGINES.computeIfAbsent(name, n -> {
            GpuModel m = GpuEngines.require().load(fixture(n), CONTEXT, s -> {});
            System.out.println(n + ": " + m.config() + " " + ((TornadoLfm2Engine) m).loadInfo());
            return m;
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-f32.gguf", "tiny-q8_0.gguf", "tiny-q4_0.gguf", "tiny-k-q4_k.gguf", "tiny-k-q5_k.gguf",
            "tiny-k-q6_k.gguf", "tiny-k-mixed.gguf"})
    void matchesCpuEngine(String name) {
        Path path = fixture(name);
        // 70 prompt + 1 + 64 generated positions: attention runs over two chunks of 128 positions (split form)
        int[] prompt = new Random().ints(70, 0, 3000).toArray();
        GpuModel gpu = engine(name);
        try (Lfm2Model cpuModel = Lfm2Model.load(path, 1)) {
            Session cpu = cpuModel.newSession(CONTEXT, F32, F32);
            GpuSession s = gpu.session();
            s.reset();

            boolean quantized = !name.contains("f32");
            if (quantized) {
                // first-token logits of 40 independent one-token runs: a flipped int8 quant (see
                // QUANTIZED_TOLERANCE) then spoils only its own sample, not the positions after it
                int[] tokens = new Random().ints(40, 0, 3000).toArray();
                double[] first = new double[tokens.length];
                for (int i = 0; i < tokens.length; i++) {
                    cpu.reset();
                    s.reset();
                    first[i] = relative(cpu.decode(tokens[i]), s.decode(tokens[i]));
                }
                assertAgree(first, QUANTIZED_TOLERANCE, 0.75, name + " first tokens");
                cpu.reset();
                s.reset();
            }
            // logits after every prompt token
            double[] rel = new double[prompt.length];
            for (int i = 0; i < prompt.length; i++) {
                float[] c = cpu.decode(prompt[i]), g = s.decode(prompt[i]);
                rel[i] = relative(c, g);
            }
            assertAgree(rel, quantized ? QUANTIZED_TOLERANCE : TOLERANCE, quantized ? 0 : 1, name + " sequence");
            greedyAgrees(cpu, s, prompt[0], 64, quantized, name);
            assertEquals(cpu.position(), s.position());

            // prefill (matrix-matrix chunks, float activations) against token by token (decode; int8 activations on
            // quantized models: see INT8_VS_FLOAT_TOLERANCE)
            s.reset();
            float[] tokenByToken = null;
            for (int t : prompt) tokenByToken = s.decode(t).clone();
            s.rewind(0);
            float[] prefilled = s.prefill(prompt).clone();
            double vsDecode = relative(tokenByToken, prefilled);
            System.out.printf("%s: gpu prefill vs gpu token by token: max |diff| / max|logit| = %.3g%n", name, vsDecode);
            assertTrue(vsDecode <= (quantized ? INT8_VS_FLOAT_TOLERANCE : TOLERANCE), name + ": prefill vs decode " + vsDecode);
            assertEquals(prompt.length, s.position());
            s.reset();
            assertEquals(argmax(prefilled), s.prefillGreedy(prompt), name + ": prefillGreedy vs argmax of prefill");

            // GPU prefill against the CPU's batched prefill: both multiply dequantized weights with float activations
            // and compute the last logits with the decode product
            s.reset();
            Session cpuPrefill = cpuModel.newSession(CONTEXT, F32, F32);
            double prefillDiff = relative(cpuPrefill.prefill(prompt), s.prefill(prompt));
            System.out.printf("%s: gpu prefill vs cpu prefill: max |diff| / max|logit| = %.3g%n", name, prefillDiff);
            assertTrue(prefillDiff <= (quantized ? PREFILL_QUANTIZED_TOLERANCE : TOLERANCE), name + ": prefill " + prefillDiff);
        }
    }

    /**
     * A greedy continuation of {@code n} tokens, both engines fed the CPU's pick each step: the device argmax must
     * be the CPU's, or a token whose CPU logit is within the logit tolerance of the CPU's maximum (a near tie the
     * logit check allows); at most an eighth of the tokens (one on F32) may be such near ties.
     */
    static void greedyAgrees(Session cpu, GpuSession s, int first, int n, boolean quantized, String name) {
        float[] c = cpu.decode(first);
        int next = s.decodeGreedy(first), differ = 0;
        for (int i = 0; i < n; i++) {
            int best = argmax(c);
            if (next != best) {
                double gap = c[best] - c[next], allowed = (quantized ? QUANTIZED_TOLERANCE : TOLERANCE) * scale(c);
                assertTrue(gap <= allowed, name + ": greedy token " + i + ": gpu " + next + " (cpu logit " + c[next]
                        + ") vs cpu " + best + " (" + c[best] + ")");
                differ++;
            }
            c = cpu.decode(best);
            next = s.decodeGreedy(best);
        }
        System.out.printf("%s: %d of %d greedy tokens differ (near ties)%n", name, differ, n);
        assertTrue(differ <= (quantized ? n / 8 : 1), name + ": " + differ + " of " + n + " greedy tokens differ");
    }

    /**
     * Per-position relative logit differences: all within {@code bound}, and at least the share {@code tightShare}
     * of them within {@link #TOLERANCE}. Prints median and maximum.
     */
    static void assertAgree(double[] rel, double bound, double tightShare, String name) {
        double worst = 0;
        int tight = 0;
        for (double r : rel) {
            worst = Math.max(worst, r);
            if (r <= TOLERANCE) tight++;
        }
        double[] sorted = rel.clone();
        java.util.Arrays.sort(sorted);
        System.out.printf("%s: |gpu - cpu| logits / max|cpu logit| over %d positions: median %.3g, max %.3g; "
                + "%d within %.0e%n", name, rel.length, sorted[rel.length / 2], worst, tight, TOLERANCE);
        assertTrue(worst <= bound, name + ": worst position " + worst + " > " + bound);
        assertTrue(tight >= tightShare * rel.length, name + ": only " + tight + " of " + rel.length
                + " positions within " + TOLERANCE);
    }

    /** max(1, max|logit|): the scale logit differences are measured against. */
    static double scale(float[] logits) {
        double scale = 1;
        for (float v : logits) scale = Math.max(scale, Math.abs(v));
        return scale;
    }

    /** max |cpu - gpu| / {@link #scale}(cpu). */
    static double relative(float[] cpu, float[] gpu) {
        double scale = scale(cpu), worst = 0;
        for (int i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(cpu[i] - gpu[i]) / scale);
        return worst;
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    @Test
    void sessionRulesAndErrors() {
        GpuModel gpu = engine("tiny-f32.gguf");
        GpuSession s = gpu.session();
        s.reset();
        int vocab = gpu.config().vocabSize();
        assertThrows(IllegalArgumentException.class, () -> s.decode(vocab));
        assertThrows(IllegalArgumentException.class, () -> s.decode(-1));
        assertThrows(IllegalArgumentException.class, () -> s.prefill(new int[0]));
        assertThrows(IllegalArgumentException.class, () -> s.prefill(new int[]{1, vocab}));
        assertEquals(0, s.position(), "rejected tokens leave the session unchanged");
        s.prefill(new int[]{1, 2, 3});
        assertThrows(IllegalArgumentException.class, () -> s.rewind(2));
        assertEquals(3, s.position());
        s.rewind(3);
        assertTrue(s.canRewindTo(0) && s.canRewindTo(3) && !s.canRewindTo(1));
        assertEquals(3, s.rewindPointAtOrBefore(7));
        assertEquals(0, s.rewindPointAtOrBefore(2));
        assertThrows(IllegalArgumentException.class, () -> s.prefill(new int[CONTEXT - 2]));
        assertEquals(3, s.position());
        s.prefill(new int[CONTEXT - 4]);
        assertEquals(CONTEXT - 1, s.position());
        s.decodeGreedy(5);
        assertThrows(IllegalStateException.class, () -> s.decode(1));
        s.reset();
        assertEquals(0, s.position());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpuEngines.require().load(fixture("tiny-f32.gguf"), 1 << 30, m -> {}));
        assertTrue(e.getMessage().contains("context"), e.getMessage());
    }

    @Test
    void providerListsTheDevice() {
        GpuEngineProvider p = GpuEngines.require();
        assertEquals("tornadovm", p.name());
        List<GpuDevice> devices = p.devices();
        assertTrue(devices.stream().anyMatch(GpuDevice::isDefault), devices.toString());
        assertTrue(devices.stream().allMatch(d -> d.memoryBytes() > 0), devices.toString());
    }
}
