package io.github.lfm4j.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.model.grammar.Grammar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --json-schema}, {@code --grammar} and {@code --json-object} on {@code generate -p} and {@code chat}. */
class StructuredCliTest {
    static final String MODEL = GenerateTextModeTest.MODEL;
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":8},"
            + "\"n\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":99}},\"required\":[\"name\",\"n\"],\"additionalProperties\":false}";

    private static JsonNode generate(String... extra) throws Exception {
        String[] base = {"generate", "-m", MODEL, "-p", "Say", "-n", "200", "--threads", "1", "--seed", "3", "--json"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        CliRun r = CliRun.of(all);
        assertEquals(0, r.exit(), r.err());
        return JSON.readTree(r.out());
    }

    private static void assertSchemaOutput(String text) throws Exception {
        JsonNode v = JSON.readTree(text);
        assertTrue(v.get("name").isTextual() && v.get("name").asText().codePointCount(0, v.get("name").asText().length()) <= 8, text);
        assertTrue(v.get("n").isInt() && v.get("n").asInt() >= 0 && v.get("n").asInt() <= 99, text);
        assertEquals(2, v.size(), text);
    }

    @Test
    void generateWithASchemaInlineOrFromAFile(@TempDir Path dir) throws Exception {
        JsonNode inline = generate("--json-schema", SCHEMA);
        assertEquals("stop", inline.get("stop_reason").asText());
        assertSchemaOutput(inline.get("text").asText());
        Path f = dir.resolve("s.json");
        Files.writeString(f, SCHEMA);
        JsonNode fromFile = generate("--json-schema", f.toString(), "--temp", "0");
        assertSchemaOutput(fromFile.get("text").asText());
    }

    @Test
    void generateWithAGrammarFileOrAnyJsonObject(@TempDir Path dir) throws Exception {
        String gbnf = "root ::= item{2,4}\nitem ::= \"- \" [a-z]{1,5} \"\\n\"\n";
        Path f = dir.resolve("list.gbnf");
        Files.writeString(f, gbnf);
        JsonNode list = generate("--grammar", f.toString(), "--temp", "0.8");
        String text = list.get("text").asText();
        assertTrue(text.matches("(- [a-z]{1,5}\\n){2,4}"), text);
        assertTrue(Grammar.parse(gbnf).matches(text));

        JsonNode obj = generate("--json-object");
        String o = obj.get("text").asText();
        if (obj.get("stop_reason").asText().equals("stop")) assertTrue(JSON.readTree(o).isObject(), o);
        else assertTrue(o.startsWith("{"), o);
    }

    @Test
    void chatAnswersInTheSchema() throws Exception {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream("Hi\n".getBytes(StandardCharsets.UTF_8)));
        try {
            CliRun r = CliRun.of("chat", "-m", MODEL, "--threads", "1", "--no-think", "-n", "200", "--seed", "1",
                    "--json-schema", SCHEMA);
            assertEquals(0, r.exit(), r.err());
            String answer = r.out().lines().filter(l -> l.startsWith("{")).findFirst().orElse(r.out());
            assertSchemaOutput(answer);
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void badSchemasAndGrammarsAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.gbnf");
        Files.writeString(bad, "root ::= undefined-thing\n");
        String[][] cases = {
                {"--json-schema", "{\"type\":\"string\",\"format\":\"hostname\"}", "format: hostname"},
                {"--json-schema", "{\"type\":", "not valid JSON"},
                {"--json-schema", dir.resolve("missing.json").toString(), "json schema file not found"},
                {"--grammar", bad.toString(), "undefined rule 'undefined-thing'"},
                {"--json-object", "--grammar=" + bad, "at most one"},
        };
        for (String[] c : cases) {
            String[] args = new String[8 + c.length - 1];
            String[] base = {"generate", "-m", MODEL, "-p", "x", "-n", "4"};
            System.arraycopy(base, 0, args, 0, base.length);
            System.arraycopy(c, 0, args, base.length, c.length - 1);
            args[args.length - 1] = "--threads=1";
            CliRun r = CliRun.of(args);
            assertEquals(1, r.exit(), r.out() + r.err());
            assertTrue(r.err().startsWith("lfm4j: ") && r.err().contains(c[c.length - 1]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        CliRun tokens = CliRun.of("generate", "-m", MODEL, "--tokens", "1,2", "--json-object");
        assertEquals(1, tokens.exit());
        assertFalse(tokens.err().isEmpty());
    }
}
