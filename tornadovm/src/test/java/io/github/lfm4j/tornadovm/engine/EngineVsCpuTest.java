package io.github.lfm4j.tornadovm.engine;

import io.github.lfm4j.runner.engine.Lfm2Model;
import io.github.lfm4j.runner.engine.Session;
import io.github.lfm4j.runner.engine.spi.GpuDevice;
import io.github.lfm4j.runner.engine.spi.GpuEngineProvider;
import io.github.lfm4j.runner.engine.spi.GpuEngines;
import io.github.lfm4j.runner.engine.spi.GpuModel;
import io.github.lfm4j.runner.engine.spi.GpuSession;
import org.junit.jupiter.api.AfterAll;
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
     * sqrt/exp of the device: allowed |gpu - cpu| ≤ 1e-3 · max(1, max|cpu logit|). Measured differences are printed.
     */
    static final double TOLERANCE = 1e-3;

    static Path fixture(String name) {
        Path p = Path.of(System.getProperty("lfm4j.fixtures", "../model/src/test/resources/fixtures")).resolve(name);
        if (!Files.isRegularFile(p)) throw new IllegalStateException("missing test fixture " + p.toAbsolutePath());
        return p;
    }

    static final int CONTEXT = 160;
    /** Loaded once per fixture (the first step compiles ~60 kernels: most of a test's time on PoCL). */
    static final Map<String, GpuModel> ENGINES = new HashMap<>();

    /** Loads through the ServiceLoader-found provider, as the runner does. */
    static GpuModel engine(String name) {
        return ENGINES.computeIfAbsent(name, n -> {
            GpuModel m = GpuEngines.require().load(fixture(n), CONTEXT, s -> {});
            System.out.println(n + ": " + m.config() + " " + ((TornadoLfm2Engine) m).loadInfo());
            return m;
        });
    }

    @AfterAll
    static void closeEngines() {
        ENGINES.values().forEach(GpuModel::close);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-f32.gguf", "tiny-q8_0.gguf", "tiny-q4_0.gguf"})
    void matchesCpuEngine(String name) {
        Path path = fixture(name);
        // 70 prompt + 1 + 64 generated positions: attention runs over two chunks of 128 positions (split form)
        int[] prompt = new Random().ints(70, 0, 3000).toArray();
        GpuModel gpu = engine(name);
        try (Lfm2Model cpuModel = Lfm2Model.load(path, 1)) {
            Session cpu = cpuModel.newSession(CONTEXT);
            GpuSession s = gpu.session();
            s.reset();

            // logits after every prompt token
            double worst = 0;
            for (int t : prompt) {
                float[] c = cpu.decode(t), g = s.decode(t);
                worst = Math.max(worst, compare(c, g, name + " at position " + s.position()));
            }
            System.out.printf("%s: max |gpu - cpu| logit over %d positions = %.3g%n", name, prompt.length, worst);

            // greedy continuation of 64 tokens: identical ids
            int[] cpuIds = new int[64], gpuIds = new int[64];
            float[] c = cpu.decode(prompt[0]);
            int next = s.decodeGreedy(prompt[0]);
            for (int i = 0; i < 64; i++) {
                cpuIds[i] = argmax(c);
                gpuIds[i] = next;
                c = cpu.decode(cpuIds[i]);
                next = s.decodeGreedy(gpuIds[i]);
            }
            assertArrayEquals(cpuIds, gpuIds, name + ": greedy continuation");
            assertEquals(cpu.position(), s.position());

            // prefill (layers only until the last token) == token by token; reset gives the same run again
            s.reset();
            float[] tokenByToken = null;
            for (int t : prompt) tokenByToken = s.decode(t).clone();
            int greedyAfter = s.decodeGreedy(prompt[0]);
            s.rewind(0);
            assertArrayEquals(tokenByToken, s.prefill(prompt).clone(), name + ": prefill vs token by token");
            assertEquals(prompt.length, s.position());
            assertEquals(greedyAfter, s.decodeGreedy(prompt[0]));
            s.reset();
            assertEquals(argmax(tokenByToken), s.prefillGreedy(prompt));
        }
    }

    private static double compare(float[] cpu, float[] gpu, String what) {
        assertEquals(cpu.length, gpu.length);
        double scale = 1, worst = 0;
        for (float v : cpu) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < cpu.length; i++) {
            double d = Math.abs(cpu[i] - gpu[i]);
            assertTrue(d <= TOLERANCE * scale, what + ": logit " + i + " gpu " + gpu[i] + " cpu " + cpu[i]);
            worst = Math.max(worst, d);
        }
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
