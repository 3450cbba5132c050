package io.github.lfm4j.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.model.ModelFiles;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFArray;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.gguf.GGUFValue;
import io.github.lfm4j.model.gguf.Tensor;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.model.lfm2.Lfm2Weights;
import io.github.lfm4j.model.quant.Dequantizer;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared hf-tiny fixture: a checkpoint written by transformers, the GGUF llama.cpp's own
 * {@code convert_hf_to_gguf.py} made from it, and Hugging Face tokenizers' ids. The checkpoint opened as a GGUF view
 * must carry the converter's metadata and the same tensors (names, dims, values), and its tokenizer must give
 * Hugging Face's ids.
 */
class HfTinyFixtureTest {
    static GGUFFile hf, gguf;

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(HfTinyFixtureTest.class.getClassLoader().getResource("fixtures/hf-tiny/" + name),
                name).toURI());
    }

    @BeforeAll
    static void open() throws URISyntaxException {
        hf = ModelFiles.open(fixture("checkpoint"));
        gguf = GGUFFile.open(fixture("model-bf16.gguf"));
    }

    @AfterAll
    static void close() {
        hf.close();
        gguf.close();
    }

    @Test
    void metadataEqualsTheConvertersForEveryModelAndTokenizerKey() {
        assertTrue(hf.isAssembled());
        int compared = 0;
        for (Map.Entry<String, GGUFValue> e : gguf.metadata().entrySet()) {
            String key = e.getKey();
            if (!key.startsWith("lfm2.") && !key.startsWith("tokenizer.") && !key.equals("general.architecture")
                    && !key.equals("general.file_type")) continue;
            GGUFValue mine = hf.metadata().get(key);
            assertNotNull(mine, key);
            assertEquals(e.getValue().type(), mine.type(), key);
            if (e.getValue().value() instanceof GGUFArray a) {
                GGUFArray b = (GGUFArray) mine.value();
                assertEquals(a.elementType(), b.elementType(), key);
                assertTrue(Arrays.deepEquals(new Object[]{a.values()}, new Object[]{b.values()}), key);
            } else {
                assertEquals(e.getValue().value(), mine.value(), key);
            }
            compared++;
        }
        assertEquals(22, compared, "keys compared"); // 10 lfm2.*, 10 tokenizer.*, architecture, file type
        assertEquals(Lfm2Config.from(gguf), Lfm2Config.from(hf));
    }

    @Test
    void tensorsHaveTheConvertersNamesDimsAndValues() {
        assertEquals(gguf.tensorInfos().size(), hf.tensorInfos().size());
        for (GGUFTensorInfo g : gguf.tensorInfos()) {
            Tensor a = gguf.tensor(g.name()), b = hf.tensor(g.name());
            assertNotNull(b, g.name());
            assertArrayEquals(a.dims(), b.dims(), g.name());
            // The converter keeps matrices in bf16 and widens vectors (norms, conv taps) to f32: same values.
            if (a.type() == b.type()) {
                assertArrayEquals(a.data().toArray(ValueLayout.JAVA_BYTE), b.data().toArray(ValueLayout.JAVA_BYTE), g.name());
            } else {
                assertEquals(GGMLType.F32, a.type(), g.name());
                assertEquals(GGMLType.BF16, b.type(), g.name());
                assertArrayEquals(Dequantizer.dequantizeAll(a), Dequantizer.dequantizeAll(b), g.name());
            }
        }
        Lfm2Weights w = Lfm2Weights.load(hf, Lfm2Config.from(hf));
        assertTrue(w.tiedOutput());
        assertEquals(256, Lfm2Config.from(hf).ffnDim()); // intermediate_size 384 auto-adjusted: 2/3, up to 256
    }

    @Test
    void tokenizerGivesHuggingFaceIdsAndTheGgufVocabularysIds() throws Exception {
        Tokenizer fromJson = Tokenizer.fromGGUF(hf), fromGguf = Tokenizer.fromGGUF(gguf);
        JsonNode cases = new ObjectMapper().readTree(fixture("expected.json").toFile()).get("tokenizer");
        assertEquals(4, cases.size());
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            int[] expected = new int[c.get("ids").size()];
            for (int i = 0; i < expected.length; i++) expected[i] = c.get("ids").get(i).asInt();
            assertArrayEquals(expected, fromJson.encode(text, true, true), text);
            assertArrayEquals(expected, fromGguf.encode(text, true, true), text);
        }
    }

    @Test
    void chatTemplateComesFromChatTemplateJinja() throws Exception {
        String file = java.nio.file.Files.readString(fixture("checkpoint/chat_template.jinja"));
        assertEquals(file, hf.getString("tokenizer.chat_template", null));
        assertEquals(gguf.getString("tokenizer.chat_template", null), hf.getString("tokenizer.chat_template", null));
    }
}
