package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lfm4j convert}: writes a loadable GGUF, and refuses bad input in one line without leaving a file behind. */
class ConvertCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesAGgufThatInfoAndGenerateRead() throws Exception {
        Path out = tmp.resolve("tiny-q8_0.gguf");
        CliRun r = CliRun.of("convert", HfCheckpointCliTest.CKPT.toString(), "-o", out.toString(), "--type", "q8_0");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("wrote " + out + ": 56 tensors, matrices Q8_0"), r.out());
        try (GGUFFile f = GGUFFile.open(out)) {
            assertEquals(GGMLType.Q8_0, f.tensorInfo("blk.2.attn_q.weight").type());
            assertEquals(7L, f.getLong("general.file_type", -1));
        }
        CliRun info = CliRun.of("info", "-m", out.toString());
        assertTrue(info.out().contains("GGUF v3") && info.out().contains("Q8_0"), info.out());
        CliRun g = CliRun.of("generate", "-m", out.toString(), "--tokens", "1,55,331", "-n", "4", "--temp", "0", "--json", "-t", "1");
        assertEquals(0, g.exit(), g.err());
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path out = tmp.resolve("x.gguf");
        assertTrue(CliRun.of("convert", HfCheckpointCliTest.CKPT.toString(), "-o", out.toString(), "--type", "q5_k")
                .oneErrorLine().contains("unknown output type 'q5_k'"));
        assertTrue(CliRun.of("convert", tmp.toString(), "-o", out.toString()).oneErrorLine().contains("without config.json"));
        assertTrue(CliRun.of("convert", HfCheckpointCliTest.CKPT.toString(), "-o", tmp.resolve("no/x.gguf").toString())
                .oneErrorLine().contains("does not exist"));
        assertFalse(Files.exists(out));
    }
}
