package io.github.lfm4j.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.runner.hub.FakeHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pull}, {@code models} and {@code -hf} on info/generate against a fake Hub, with HF_ENDPOINT and HF_HOME set. */
class HubCommandsTest {
    @TempDir
    Path home;
    FakeHub hub;
    Function<String, String> saved;
    final Map<String, String> env = new LinkedHashMap<>();

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        Path fixtures = Path.of("../model/src/test/resources/fixtures");
        hub.add("org/tiny-GGUF", null, Map.of("tiny-Q8_0.gguf", Files.readAllBytes(fixtures.resolve("tiny-q8_0.gguf")),
                "tiny-F32.gguf", Files.readAllBytes(fixtures.resolve("tiny-f32.gguf"))));
        Map<String, byte[]> ckpt = new LinkedHashMap<>();
        try (var s = Files.list(fixtures.resolve("hf-tiny/checkpoint"))) {
            for (Path f : s.toList()) ckpt.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
        hub.add("org/hf-tiny", "tok", ckpt);
        env.put("HF_ENDPOINT", hub.endpoint());
        env.put("HF_HOME", home.toString());
        saved = HubOptions.environment;
        HubOptions.environment = env::get;
    }

    @AfterEach
    void stop() {
        HubOptions.environment = saved;
        hub.close();
    }

    @Test
    void pullThenRunByNameThenListTheCache() throws Exception {
        CliRun pull = CliRun.of("pull", "org/tiny-GGUF:Q8_0");
        assertEquals(0, pull.exit(), pull.err());
        Path file = Path.of(pull.out().strip());
        assertTrue(file.startsWith(home.resolve("hub/models--org--tiny-GGUF/snapshots")), file.toString());

        CliRun info = CliRun.of("info", "-hf", "org/tiny-GGUF:q8_0");
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("Q8_0"), info.out());
        CliRun gen = CliRun.of("generate", "-hf", "org/tiny-GGUF:F32", "--tokens", "1,20,30", "-n", "4", "--temp", "0", "--json", "-t", "1");
        assertEquals(0, gen.exit(), gen.err());
        assertEquals(4, new ObjectMapper().readTree(gen.out()).get("tokens").size());
        assertEquals(2, hub.cdnBodies.get());

        env.put("HF_HUB_OFFLINE", "1");
        assertEquals(0, CliRun.of("info", "-hf", "org/tiny-GGUF:Q8_0").exit());
        assertTrue(CliRun.of("info", "-hf", "org/hf-tiny").oneErrorLine().contains("not in the cache"));
        env.remove("HF_HUB_OFFLINE");

        assertTrue(CliRun.of("pull", "org/hf-tiny").oneErrorLine().contains("HF_TOKEN or --hf-token"));
        CliRun ckpt = CliRun.of("info", "-hf", "org/hf-tiny", "--hf-token", "tok");
        assertEquals(0, ckpt.exit(), ckpt.err());
        assertTrue(ckpt.out().contains("Hugging Face checkpoint"), ckpt.out());

        CliRun models = CliRun.of("models");
        assertEquals(0, models.exit(), models.err());
        assertTrue(models.out().contains("2 repositories"), models.out());
        assertTrue(models.out().contains("org/tiny-GGUF") && models.out().contains("tiny-Q8_0.gguf")
                && models.out().contains("org/hf-tiny") && models.out().contains("model.safetensors"), models.out());
    }

    @Test
    void badNamesAndConflictsAreOneLine() {
        assertTrue(CliRun.of("pull", "nope").oneErrorLine().contains("not a Hugging Face model name"));
        assertTrue(CliRun.of("pull", "org/missing").oneErrorLine().contains("HTTP 404"));
        assertTrue(CliRun.of("generate", "-hf", "org/tiny-GGUF:Q8_0", "-m", "x.gguf", "-p", "hi").oneErrorLine().contains("not both"));
        CliRun none = CliRun.of("generate", "-p", "hi");
        assertEquals(Lfm4jCli.USAGE_ERROR, none.exit());
        assertTrue(none.oneErrorLine().contains("--model"));
        assertTrue(CliRun.of("info", "-hf", "org/tiny-GGUF:Q2_K").oneErrorLine().contains("available: tiny-F32.gguf, tiny-Q8_0.gguf"));
    }
}
