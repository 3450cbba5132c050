package io.github.lfm4j.runner.engine;

import io.github.lfm4j.kernels.cpu.VectorWidth;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.synth.KQuantPreset;
import io.github.lfm4j.model.synth.SynthShape;
import io.github.lfm4j.model.synth.SynthType;
import io.github.lfm4j.model.synth.SyntheticModel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine on models whose matrices really are K-quants (the {@code small} preset: rows of 256 and 768 values; the
 * tiny fixtures' 64-wide rows fall back to legacy types) against the float64 reference ({@link ReferenceLfm2}),
 * repacked (the default, eight rows interleaved at 256 bits) and memory-mapped as stored.
 * <p>
 * Tolerances: the int8 rounding of the activations moves these logits by about 0.2 (observed 0.19-0.23, mean
 * 0.04-0.05), wiring errors by units; bound 0.5, mean 0.3. Along the reference's greedy path (12 steps), the engine's
 * greedy choice must be the reference's, or a near-tie within twice that step's largest logit difference, and must be
 * the reference's at 8 steps at least (observed: 10 to 12, at top-two margins of 0.07 to 0.6; a chance match is 1 in 3,272).
 */
class KQuantEngineTest {
    private static final double MAX_DIFF = 0.5;
    @TempDir
    static Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"q4_k", "q5_k", "q6_k", "q4_k_m", "q5_k_m"})
    void smallKQuantModelsFollowTheFloat64Reference(String type) throws IOException {
        Path file = dir.resolve("small-" + type + ".gguf");
        SynthType t = type.endsWith("_m") ? new SynthType.Preset(KQuantPreset.valueOf(type.toUpperCase()))
                : new SynthType.Uniform(GGMLType.valueOf(type.toUpperCase()));
        SyntheticModel.write(file, SynthShape.SMALL, t, 11, null, 2);
        try (GGUFFile f = GGUFFile.open(file)) { // the matrices are what the name says, not a fallback
            long kTensors = f.tensorInfos().stream().filter(i -> i.type().name().endsWith("_K")).count();
            assertTrue(kTensors >= 6 * 3, type + ": only " + kTensors + " K-quant tensors");
        }
        int[] prompt = new Random(5).ints(19, 16, 3000).toArray();
        for (boolean repack : new boolean[]{true, false}) {
            ReferenceLfm2 r = new ReferenceLfm2(file);
            double[] want = r.feed(prompt);
            try (Lfm2Model m = Lfm2Model.load(file, 2, repack)) {
                assertEquals(repack && VectorWidth.bits() == 256, m.output().readsOwnCopy(), "repacked as asked");
                Session s = m.newSession(64, 8);
                float[] logits = s.prefill(prompt);
                double worst = EngineVsReferenceTest.maxAbsDiff(want, logits), mean = EngineVsReferenceTest.meanAbsDiff(want, logits);
                int agreed = 0, token = EngineVsReferenceTest.argmax(want);
                for (int step = 0; step < 12; step++) {
                    // The reference's greedy choice, or a near-tie that the measured noise explains: the engine's
                    // pick must then be within twice this step's largest logit difference of the reference's best.
                    double stepDiff = EngineVsReferenceTest.maxAbsDiff(want, logits);
                    int mine = argmax(logits);
                    if (mine == token) {
                        agreed++;
                    } else {
                        assertTrue(want[token] - want[mine] <= 2 * stepDiff, type + (repack ? " repacked" : " mapped")
                                + ": step " + step + " picks " + mine + ", " + (want[token] - want[mine])
                                + " below the reference's " + token + ", beyond the logits' noise " + stepDiff);
                    }
                    logits = s.decode(token);
                    want = r.next(token);
                    worst = Math.max(worst, EngineVsReferenceTest.maxAbsDiff(want, logits));
                    mean = Math.max(mean, EngineVsReferenceTest.meanAbsDiff(want, logits));
                    token = EngineVsReferenceTest.argmax(want);
                }
                System.out.printf("small %s %s: max |engine - reference| = %.2e, largest mean %.2e, greedy agreed at %d of 12 steps%n",
                        type, repack ? "repacked" : "mapped", worst, mean, agreed);
                assertTrue(worst < MAX_DIFF, type + ": max logit difference " + worst);
                assertTrue(agreed >= 8, type + ": greedy agreed at only " + agreed + " of 12 steps");
                assertTrue(mean < 0.3, type + ": mean logit difference " + mean);
            }
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
