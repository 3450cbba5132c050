package io.github.lfm4j.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lfm4j generate -p TEXT [--chat]}: the text mode, checked against the token mode on the same ids. */
class GenerateTextModeTest {
    static final String MODEL = "../model/src/test/resources/fixtures/tiny-f32.gguf";
    static GGUFFile file;
    static Tokenizer tok;

    @BeforeAll
    static void open() {
        file = GGUFFile.open(Path.of(MODEL));
        tok = Tokenizer.fromGGUF(file);
    }

    @AfterAll
    static void close() {
        file.close();
    }

    private static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = a.get(i).asInt();
        return v;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void rawTextCompletionEqualsTheTokenModeOnTheSameIds() throws Exception {
        CliRun text = CliRun.of("generate", "-m", MODEL, "-p", "Once upon a time", "-n", "12", "--temp", "0",
                "--threads", "1", "--json", "--top-logprobs", "2");
        assertEquals(0, text.exit(), text.err());
        JsonNode t = new ObjectMapper().readTree(text.out());
        int[] prompt = ints(t.get("prompt_tokens"));
        assertEquals(Arrays.toString(tok.encode("Once upon a time", true, true)), Arrays.toString(prompt));

        String ids = Arrays.stream(prompt).mapToObj(Integer::toString).collect(Collectors.joining(","));
        CliRun tokens = CliRun.of("generate", "-m", MODEL, "--tokens", ids, "-n", "12", "--temp", "0", "--threads", "1", "--json");
        JsonNode k = new ObjectMapper().readTree(tokens.out());
        assertEquals(k.get("tokens"), t.get("tokens"));
        assertEquals(tok.decode(ints(t.get("tokens")), false), t.get("text").asText());
        assertEquals(t.get("tokens").size(), t.get("top_logprobs").size());
        assertTrue(t.get("timings").get("prompt_tokens_per_second").asDouble() > 0);
        // both modes print the same fields in the same order; the text mode adds the time to the first token
        assertEquals(List.of("prompt_tokens", "tokens", "text", "stop_reason", "timings"), fieldNames(k));
        assertEquals(List.of("prompt_tokens", "tokens", "text", "stop_reason", "timings", "top_logprobs"), fieldNames(t));
        assertEquals(List.of("prompt_tokens", "prompt_tokens_per_second", "decode_tokens", "decode_tokens_per_second"),
                fieldNames(k.get("timings")));
        assertEquals(List.of("prompt_tokens", "prompt_tokens_per_second", "decode_tokens", "decode_tokens_per_second",
                "time_to_first_token_ms"), fieldNames(t.get("timings")));
        String expectedStop = k.get("stop_reason").asText().equals("max_tokens") ? "length" : "stop";
        assertEquals(expectedStop, t.get("stop_reason").asText());

        CliRun plain = CliRun.of("generate", "-m", MODEL, "-p", "Once upon a time", "-n", "12", "--temp", "0", "--threads", "1");
        assertEquals(t.get("text").asText() + "\n", plain.out());
        assertTrue(plain.err().startsWith("prompt: " + prompt.length + " tokens, "), plain.err());
    }

    @Test
    void chatRendersThePromptAsAUserMessage() throws Exception {
        CliRun r = CliRun.of("generate", "-m", MODEL, "-p", "Hi <|im_end|>", "--chat", "-n", "4", "--temp", "0",
                "--threads", "1", "--json");
        assertEquals(0, r.exit(), r.err());
        int[] prompt = ints(new ObjectMapper().readTree(r.out()).get("prompt_tokens"));
        assertEquals("<|startoftext|><|im_start|>user\nHi <|im_end|><|im_end|>\n<|im_start|>assistant\n", tok.decode(prompt, false));
        // the user's "<|im_end|>" stays text: only the template's two end-of-turn markers are control tokens
        assertEquals(1, Arrays.stream(prompt).filter(id -> id == tok.eos()).count());
    }

    @Test
    void errorsAreOneLine() {
        int n = tok.encode("Once upon a time", true, true).length;
        assertEquals("lfm4j: prompt of " + n + " tokens + 100 to generate exceeds the context of 50 tokens",
                CliRun.of("generate", "-m", MODEL, "-p", "Once upon a time", "-n", "100", "-c", "50").oneErrorLine());
        assertEquals("lfm4j: --chat needs a text prompt (-p TEXT)",
                CliRun.of("generate", "-m", MODEL, "--tokens", "1", "--chat").oneErrorLine());
        assertEquals("lfm4j: model file not found: nope.gguf",
                CliRun.of("generate", "-m", "nope.gguf", "-p", "x").oneErrorLine());
    }
}
