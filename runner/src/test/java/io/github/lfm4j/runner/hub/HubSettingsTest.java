package io.github.lfm4j.runner.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The environment as huggingface_hub reads it, and the names and tags a user types. */
class HubSettingsTest {
    @TempDir
    Path home;

    static HubSettings of(Map<String, String> env, String token, boolean offline) {
        return HubSettings.from(env::get, token, offline);
    }

    @Test
    void defaultsAndOverrides() throws Exception {
        HubSettings d = of(Map.of(), null, false);
        assertEquals("https://huggingface.co", d.endpoint().toString());
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"), d.cacheDir());
        assertFalse(d.offline());

        Files.writeString(home.resolve("token"), "hf_fromfile\n");
        HubSettings h = of(Map.of("HF_HOME", home.toString(), "HF_ENDPOINT", "http://mirror.local:8080/", "HF_HUB_OFFLINE", "1"), null, false);
        assertEquals("http://mirror.local:8080", h.endpoint().toString());
        assertEquals(home.resolve("hub"), h.cacheDir());
        assertEquals("hf_fromfile", h.token());
        assertTrue(h.offline());
        assertFalse(h.toString().contains("hf_fromfile"), "never print the token");

        assertEquals("hf_env", of(Map.of("HF_HOME", home.toString(), "HF_TOKEN", "hf_env"), null, false).token());
        assertEquals("hf_opt", of(Map.of("HF_TOKEN", "hf_env"), "hf_opt", false).token());
        assertEquals(Path.of("/c"), of(Map.of("HF_HOME", home.toString(), "HF_HUB_CACHE", "/c"), null, false).cacheDir());
        assertNull(of(Map.of("HF_HOME", home.resolve("none").toString()), null, false).token());
        assertThrows(IllegalArgumentException.class, () -> of(Map.of("HF_ENDPOINT", "ftp://x"), null, false));
    }

    @Test
    void repoNamesAndQuantTags() {
        RepoRef r = RepoRef.parse("LiquidAI/LFM2.5-1.2B-Thinking-GGUF:Q4_K_M", null);
        assertEquals("LiquidAI/LFM2.5-1.2B-Thinking-GGUF", r.repo());
        assertEquals("Q4_K_M", r.quant());
        assertEquals("main", r.revision());
        for (String bad : new String[]{"", "x", "a/b/c", "a/../b", "-a/b", "a/b:", "a/b:Q4 K"}) {
            assertThrows(IllegalArgumentException.class, () -> RepoRef.parse(bad, null), bad);
        }
        assertTrue(FileChoice.matches("LFM2.5-1.2B-Thinking-Q4_K_M.gguf", "q4_k_m"));
        assertFalse(FileChoice.matches("LFM2.5-1.2B-Thinking-Q4_K_M.gguf", "Q4_K"));
        assertFalse(FileChoice.matches("LFM2.5-1.2B-Thinking-IQ4_K.gguf", "Q4_K"));
        assertTrue(FileChoice.matches("sub/model.Q8_0.gguf", "Q8_0"));
        assertEquals("refs%2Fpr%2F1", HubClient.encodeRevision("refs/pr/1"));
        assertEquals("a%20b/c.gguf", HubClient.encodePath("a b/c.gguf"));
    }
}
