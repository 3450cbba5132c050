package io.github.lfm4j.model.tokenizer;

import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFFormatException;
import io.github.lfm4j.model.gguf.GGUFValueType;
import io.github.lfm4j.model.gguf.GGUFWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Tokenizer#fromGGUF}: which metadata it reads and how it reports what it cannot use. */
class GgufLoadingTest {

    @TempDir
    Path dir;

    private Path write(Consumer<GGUFWriter> extra) throws Exception {
        GGUFWriter w = new GGUFWriter()
                .putString("general.architecture", "lfm2")
                .putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", "lfm2")
                .putArray("tokenizer.ggml.tokens", GGUFValueType.STRING, new String[]{"<s>", "<|im_end|>", "h", "i", "hi", "Ġ"})
                .putArray("tokenizer.ggml.token_type", GGUFValueType.INT32, new int[]{3, 1, 1, 1, 1, 1})
                .putArray("tokenizer.ggml.merges", GGUFValueType.STRING, new String[]{"h i"})
                .putUInt32("tokenizer.ggml.bos_token_id", 0)
                .putUInt32("tokenizer.ggml.eos_token_id", 1);
        extra.accept(w);
        Path p = dir.resolve("t" + System.nanoTime() + ".gguf");
        w.write(p);
        return p;
    }

    private Tokenizer load(Path p) {
        try (GGUFFile f = GGUFFile.open(p)) {
            return Tokenizer.fromGGUF(f);
        }
    }

    @Test
    void readsVocabularyAndDefaults() throws Exception {
        Tokenizer t = load(write(w -> { }));
        assertEquals(6, t.vocabSize());
        assertEquals(0, t.bos());
        assertEquals(1, t.eos());
        // add_bos_token absent: LFM2 (llama.cpp's LLAMA3 group) adds BOS by default.
        assertArrayEquals(new int[]{0, 4, 5, 2}, t.encode("hi h", true, false));
        // <|im_end|> is typed normal in this file but is an end-of-generation text: llama.cpp makes it control.
        assertTrue(t.isControl(1));
        assertArrayEquals(new int[]{1}, t.encode("<|im_end|>", false, true));
    }

    @Test
    void addBosFalseIsRespected() throws Exception {
        Tokenizer t = load(write(w -> w.putBool("tokenizer.ggml.add_bos_token", false)));
        assertFalse(t.addsBos());
        assertArrayEquals(new int[]{4}, t.encode("hi", true, false));
    }

    @Test
    void addEosAppendsEos() throws Exception {
        Tokenizer t = load(write(w -> w.putBool("tokenizer.ggml.add_eos_token", true)));
        assertArrayEquals(new int[]{0, 4, 1}, t.encode("hi", true, false));
        assertArrayEquals(new int[]{4}, t.encode("hi", false, false));
    }

    private String errorFor(Consumer<GGUFWriter> extra) throws Exception {
        Path p = write(extra);
        GGUFFormatException e = assertThrows(GGUFFormatException.class, () -> load(p));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void unsupportedOrBrokenVocabulariesAreOneLineErrors() throws Exception {
        assertTrue(errorFor(w -> w.putString("tokenizer.ggml.model", "llama")).contains("unsupported tokenizer model 'llama'"));
        assertTrue(errorFor(w -> w.putString("tokenizer.ggml.pre", "qwen2")).contains("unsupported pre-tokenizer 'qwen2'"));
        assertTrue(errorFor(w -> w.putArray("tokenizer.ggml.token_type", GGUFValueType.INT32, new int[]{1}))
                .contains("token_type has 1 entries for 6 tokens"));
        assertTrue(errorFor(w -> w.putArray("tokenizer.ggml.tokens", GGUFValueType.STRING, new String[]{"a", "a"}))
                .contains("duplicate token"));
        assertTrue(errorFor(w -> w.putArray("tokenizer.ggml.merges", GGUFValueType.INT32, new int[]{1}))
                .contains("tokenizer.ggml.merges' is not a string array"));
        assertTrue(errorFor(w -> w.putUInt32("tokenizer.ggml.bos_token_id", 99))
                .contains("add_bos_token is true, but tokenizer.ggml.bos_token_id is not set"));
    }

    @Test
    void fileWithoutTokenizer() throws Exception {
        Path p = dir.resolve("none.gguf");
        new GGUFWriter().putString("general.architecture", "lfm2").write(p);
        GGUFFormatException e = assertThrows(GGUFFormatException.class, () -> load(p));
        assertTrue(e.getMessage().contains("no tokenizer"), e.getMessage());
    }
}
