package io.github.lfm4j.model.tokenizer;

import io.github.lfm4j.model.gguf.GGUFFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guards against quadratic behaviour, not a benchmark: the time limits are far above what linear-ish code needs
 * (tens of milliseconds here) and far below what an O(n²) merge loop or split would take on these inputs.
 */
class PerformanceTest {

    static GGUFFile file;
    static Tokenizer tokenizer;

    @BeforeAll
    static void open() throws Exception {
        file = GGUFFile.open(LlamaCppParityTest.resource("fixtures/vocab-synthetic.gguf"));
        tokenizer = Tokenizer.fromGGUF(file);
    }

    @AfterAll
    static void close() {
        file.close();
    }

    @Test
    void oneMegabyteOfMixedText() {
        String text = mixedText(1 << 20);
        tokenizer.encode(text.substring(0, 20000), true, true); // warm up the JIT a little
        long t0 = System.nanoTime();
        int[] ids = tokenizer.encode(text, true, true);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("tokenizer: %d bytes -> %d tokens in %d ms%n",
                text.getBytes(StandardCharsets.UTF_8).length, ids.length, ms);
        assertTrue(ms < 15_000, "1 MB took " + ms + " ms");
        assertEquals("<|startoftext|>" + text, tokenizer.decode(ids, false));
    }

    /** At least {@code bytes} UTF-8 bytes of mixed-script lines with chat markup, numbered so lines differ. */
    static String mixedText(int bytes) {
        StringBuilder sb = new StringBuilder();
        int size = 0;
        int line = 0;
        while (size < bytes) {
            StringBuilder block = new StringBuilder();
            for (String t : RoundTripAndStreamingTest.TEXTS) block.append(t).append(' ').append(line++).append('\n');
            if (line % 64 < RoundTripAndStreamingTest.TEXTS.size()) {
                block.append("<|im_start|>assistant\n<think>").append(line).append("</think><|im_end|>\n");
            }
            size += block.toString().getBytes(StandardCharsets.UTF_8).length;
            sb.append(block);
        }
        return sb.toString();
    }

    @Test
    void longWordsAreNotQuadratic() {
        // Each of these is one pre-token of 200k characters (not cached), merged in one BPE run.
        for (String unit : new String[]{"a", "ab", " ", "é", "🙂", "!"}) {
            String text = unit.repeat(200_000 / unit.length());
            long t0 = System.nanoTime();
            int[] ids = tokenizer.encode(text, false, false);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("tokenizer: 200k x '%s' -> %d tokens in %d ms%n", unit, ids.length, ms);
            assertTrue(ms < 10_000, "'" + unit + "' x 200k took " + ms + " ms");
            assertEquals(text, tokenizer.decode(ids, false));
        }
    }

    @Test
    void manySpecialTokensAreNotQuadratic() {
        String text = "<|im_start|>x<|im_end|>".repeat(50_000);
        long t0 = System.nanoTime();
        int[] ids = tokenizer.encode(text, false, true);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("tokenizer: 100k special tokens in %d ms%n", ms);
        assertTrue(ms < 10_000, "took " + ms + " ms");
        assertEquals(150_000, ids.length);
    }
}
