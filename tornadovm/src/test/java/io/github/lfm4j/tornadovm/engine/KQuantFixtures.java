package io.github.lfm4j.tornadovm.engine;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.gguf.GGUFWriter;
import io.github.lfm4j.model.gguf.Tensor;
import io.github.lfm4j.model.quant.Dequantizer;
import io.github.lfm4j.model.quant.Quantizer;
import io.github.lfm4j.model.synth.SynthShape;
import io.github.lfm4j.model.synth.SyntheticModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Synthetic K-quant models for the engine tests, written once per test JVM into a temporary directory. The shared
 * tiny fixtures (hidden size 64) cannot be K-quant files: rows narrower than a 256-weight super-block fall back to
 * legacy types (as llama-quantize does), so these use the same layer pattern with hidden size 256 and FFN 512, where
 * every matrix is a whole number of super-blocks.
 *
 * <ul>
 *   <li>{@code tiny-k-q4_k.gguf}, {@code tiny-k-q5_k.gguf}, {@code tiny-k-q6_k.gguf}: every matrix in that type
 *   ({@code lfm4j synth}'s generator).</li>
 *   <li>{@code tiny-k-mixed.gguf}: the Q4_K model's weights re-encoded per tensor in the spirit of a Q4_K_M file
 *   (embedding Q6_K; ffn_down and attn_v Q6_K or Q5_K by layer; the rest Q4_K), plus the combinations a mix can
 *   produce that a uniform file does not: gate Q4_K with up Q5_K (the unfused FFN), and one conv out_proj in Q8_0
 *   next to K-quants in the same graph.</li>
 * </ul>
 */
final class KQuantFixtures {
    private KQuantFixtures() {}

    static final SynthShape SHAPE = new SynthShape("tiny-k", 256, 6, new int[]{2, 4}, 4, 2, 512, 3272, 512,
            1_000_000f, 1e-5f, 3);
    static final String PREFIX = "tiny-k-";

    private static Path dir;
    private static final Map<String, Path> WRITTEN = new HashMap<>();

    /** True for the names this class writes. */
    static boolean owns(String name) {
        return name.startsWith(PREFIX);
    }

    static synchronized Path path(String name) {
        return WRITTEN.computeIfAbsent(name, n -> {
            try {
                if (dir == null) {
                    dir = Files.createTempDirectory("lfm4j-kquant");
                    Runtime.getRuntime().addShutdownHook(new Thread(KQuantFixtures::deleteDir));
                }
                Path out = dir.resolve(n);
                String kind = n.substring(PREFIX.length(), n.length() - ".gguf".length());
                if (kind.equals("mixed")) writeMixed(path(PREFIX + "q4_k.gguf"), out);
                else SyntheticModel.write(out, SHAPE, GGMLType.valueOf(kind.toUpperCase()), 42, null, 2);
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The type a tensor of the mixed model gets (matrices only; 1-D weights and conv taps stay F32). */
    static GGMLType mixedType(String tensor) {
        if (tensor.equals("token_embd.weight")) return GGMLType.Q6_K;
        int layer = tensor.startsWith("blk.") ? Integer.parseInt(tensor.split("\\.")[1]) : -1;
        if (tensor.endsWith("ffn_down.weight") || tensor.endsWith("attn_v.weight")) {
            return layer % 2 == 0 ? GGMLType.Q6_K : GGMLType.Q5_K;
        }
        if (layer == 1 && tensor.endsWith("ffn_up.weight")) return GGMLType.Q5_K;
        if (layer == 3 && tensor.endsWith("shortconv.out_proj.weight")) return GGMLType.Q8_0;
        return GGMLType.Q4_K;
    }

    private static void writeMixed(Path q4k, Path out) throws IOException {
        try (GGUFFile f = GGUFFile.open(q4k)) {
            GGUFWriter w = new GGUFWriter().putAll(f.metadata());
            for (GGUFTensorInfo info : f.tensorInfos()) {
                Tensor t = f.tensor(info.name());
                if (info.type() == GGMLType.F32) {
                    w.addTensor(info.name(), GGMLType.F32, t.dims(), Quantizer.quantize(GGMLType.F32,
                            Dequantizer.dequantizeAll(t)));
                } else {
                    GGMLType type = mixedType(info.name());
                    w.addTensor(info.name(), type, t.dims(), Quantizer.quantize(type, Dequantizer.dequantizeAll(t)));
                }
            }
            w.write(out);
        }
    }

    private static void deleteDir() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: left behind at worst
        }
    }
}
