package io.github.lfm4j.runner.hub;

import io.github.lfm4j.model.ModelFiles;
import io.github.lfm4j.model.gguf.GGUFFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Downloads from a {@link FakeHub} on loopback into a temporary huggingface_hub cache. */
class HubModelsTest {
    static final Path FIXTURES = Path.of("../model/src/test/resources/fixtures");

    @TempDir
    Path cache;
    FakeHub hub;
    byte[] q8, q4;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        q8 = Files.readAllBytes(FIXTURES.resolve("tiny-q8_0.gguf"));
        q4 = Files.readAllBytes(FIXTURES.resolve("tiny-q4_0.gguf"));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("README.md", "# tiny\n".getBytes(StandardCharsets.UTF_8));
        files.put("tiny-Q8_0.gguf", q8);
        files.put("tiny-Q4_0.gguf", q4);
        hub.add("org/tiny-GGUF", null, files);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    HubModels models(String token, boolean offline, PrintStream progress) {
        return new HubModels(new HubSettings(URI.create(hub.endpoint()), token, cache, offline), progress, false);
    }

    Path resolve(String ref) {
        return models(null, false, null).resolve(RepoRef.parse(ref, null));
    }

    static String error(Runnable r, String... parts) {
        HubException e = assertThrows(HubException.class, r::run);
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
        return e.getMessage();
    }

    @Test
    void downloadsTheQuantIntoHuggingFaceHubsLayoutAndReusesIt() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path p = models(null, false, new PrintStream(log, true, StandardCharsets.UTF_8)).resolve(RepoRef.parse("org/tiny-GGUF:q8_0", null));
        assertArrayEquals(q8, Files.readAllBytes(p));
        String commit = hub.repos.get("org/tiny-GGUF").commit();
        Path repo = cache.resolve("models--org--tiny-GGUF");
        assertEquals(repo.resolve("snapshots").resolve(commit).resolve("tiny-Q8_0.gguf"), p);
        assertTrue(Files.isSymbolicLink(p));
        assertEquals(Path.of("../../blobs/" + FakeHub.sha256(q8)), Files.readSymbolicLink(p));
        assertEquals(commit, Files.readString(repo.resolve("refs/main")));
        assertEquals(List.of("null"), hub.cdnAuthorization); // no token sent at all, and none to the CDN
        try (GGUFFile f = ModelFiles.open(p)) {
            assertEquals("lfm2", f.getString("general.architecture", null));
        }
        // progress when not a terminal: a line per 10 %, ending at 100 %
        List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.size() >= 2 && lines.size() <= 11, lines.toString());
        assertTrue(lines.getLast().contains("100%"), lines.toString());

        // cached: no second download, and offline finds it too
        assertEquals(p, resolve("org/tiny-GGUF:Q8_0"));
        assertEquals(1, hub.cdnBodies.get());
        int calls = hub.apiCalls.get();
        assertEquals(p, models(null, true, null).resolve(RepoRef.parse("org/tiny-GGUF:Q8_0", null)));
        assertEquals(calls, hub.apiCalls.get(), "offline must not touch the network");
        error(() -> models(null, true, null).resolve(RepoRef.parse("org/other", null)), "not in the cache", "offline");
        error(() -> models(null, true, null).resolve(RepoRef.parse("org/tiny-GGUF:Q4_0", null)), "no .gguf file matches 'Q4_0'");
    }

    @Test
    void choosesByTagAndListsTheChoicesOtherwise() {
        error(() -> resolve("org/tiny-GGUF:Q5_K_M"), "no .gguf file matches 'Q5_K_M'", "tiny-Q4_0.gguf, tiny-Q8_0.gguf");
        error(() -> resolve("org/tiny-GGUF"), "several .gguf files", "org/tiny-GGUF:QUANT");
        assertEquals(0, hub.cdnBodies.get());
    }

    @Test
    void resumesAfterADroppedConnectionWithTheSameSha256() throws Exception {
        hub.dropAfter = q8.length / 3;
        hub.drops.set(2); // two drops in a row: the third request finishes the file
        Path p = resolve("org/tiny-GGUF:Q8_0");
        assertEquals(FakeHub.sha256(q8), FakeHub.sha256(Files.readAllBytes(p)));
        assertEquals(3, hub.cdnBodies.get());
        assertEquals(List.of("bytes=" + q8.length / 3 + "-", "bytes=" + 2 * (q8.length / 3) + "-"), hub.cdnRanges);
        try (var s = Files.list(cache.resolve("models--org--tiny-GGUF/blobs"))) {
            assertEquals(List.of(FakeHub.sha256(q8)), s.map(x -> x.getFileName().toString()).toList());
        }
    }

    @Test
    void aDownloadThatKeepsFailingResumesOnTheNextRun() throws Exception {
        hub.dropAfter = 1000;
        hub.drops.set(HubModels.ATTEMPTS);
        error(() -> resolve("org/tiny-GGUF:Q8_0"), "download failed after 5 attempts", "run again to resume");
        Path part = cache.resolve("models--org--tiny-GGUF/blobs/" + FakeHub.sha256(q8) + ".incomplete");
        assertEquals(5000, Files.size(part));
        assertFalse(Files.exists(cache.resolve("models--org--tiny-GGUF/snapshots")));
        assertArrayEquals(q8, Files.readAllBytes(resolve("org/tiny-GGUF:Q8_0")));
        assertEquals("bytes=5000-", hub.cdnRanges.getLast());
    }

    @Test
    void aWrongSha256IsRefusedAndNothingIsCached() throws Exception {
        hub.corrupt = true;
        error(() -> resolve("org/tiny-GGUF:Q8_0"), "sha256 mismatch", FakeHub.sha256(q8), "deleted");
        try (var s = Files.walk(cache.resolve("models--org--tiny-GGUF"))) {
            assertEquals(List.of(), s.filter(Files::isRegularFile).filter(f -> f.toString().contains("blobs") || f.toString().contains("snapshots")).toList());
        }
        error(() -> models(null, true, null).resolve(RepoRef.parse("org/tiny-GGUF:Q8_0", null)), "not in the cache");
    }

    @Test
    void gatedAndMissingRepositoriesAreOneLineErrors() throws Exception {
        hub.add("org/gated", "secret", Map.of("m-Q8_0.gguf", q8));
        error(() -> resolve("org/gated"), "org/gated: HTTP 401", "HF_TOKEN or --hf-token");
        error(() -> models("wrong", false, null).resolve(RepoRef.parse("org/gated", null)), "HTTP 401", "no access");
        Path p = models("secret", false, null).resolve(RepoRef.parse("org/gated", null));
        assertArrayEquals(q8, Files.readAllBytes(p));
        assertEquals(List.of("null"), hub.cdnAuthorization, "the token must not go to the CDN's host");
        error(() -> resolve("org/missing:Q8_0"), "org/missing: HTTP 404", "no such repository");
        assertThrows(IllegalArgumentException.class, () -> RepoRef.parse("not-a-repo", null));
        assertThrows(IllegalArgumentException.class, () -> RepoRef.parse("a/b/c", null));
    }

    @Test
    void concurrentDownloadsOfTheSameFileDownloadItOnce() throws Exception {
        hub.slowMs = 5;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) results.add(pool.submit(() -> resolve("org/tiny-GGUF:Q8_0")));
            Path first = results.get(0).get();
            for (Future<Path> f : results) assertEquals(first, f.get());
            assertArrayEquals(q8, Files.readAllBytes(first));
            assertEquals(1, hub.cdnBodies.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRepositoryWithoutGgufIsTheCheckpointDirectory() throws Exception {
        Path ckpt = FIXTURES.resolve("hf-tiny/checkpoint");
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (var s = Files.list(ckpt)) {
            for (Path f : s.sorted().toList()) files.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
        files.put(".gitattributes", "*.safetensors filter=lfs\n".getBytes(StandardCharsets.UTF_8));
        hub.add("org/hf-tiny", null, files);
        Path dir = resolve("org/hf-tiny");
        assertTrue(Files.isDirectory(dir) && dir.startsWith(cache), dir.toString());
        assertFalse(Files.exists(dir.resolve(".gitattributes")));
        try (GGUFFile f = ModelFiles.open(dir); GGUFFile direct = ModelFiles.open(ckpt)) {
            assertTrue(f.isAssembled());
            assertEquals(-1L, f.tensor("token_embd.weight").data().mismatch(direct.tensor("token_embd.weight").data()));
        }
        assertEquals(dir, models(null, true, null).resolve(RepoRef.parse("org/hf-tiny", null)));
    }

    @Test
    void theLibraryLoadsAModelByName() {
        try (io.github.lfm4j.runner.api.LanguageModel m = io.github.lfm4j.runner.api.LanguageModel.load(
                RepoRef.parse("org/tiny-GGUF:Q8_0", null), new HubSettings(URI.create(hub.endpoint()), null, cache, false),
                null, new io.github.lfm4j.runner.api.ModelOptions(io.github.lfm4j.runner.api.Device.CPU, 1, 64))) {
            assertEquals(64, m.config().dim());
        }
    }

    @Test
    void followsAPaginatedListing() throws Exception {
        hub.paginate = true;
        assertArrayEquals(q4, Files.readAllBytes(resolve("org/tiny-GGUF:Q4_0")));
        error(() -> resolve("org/tiny-GGUF:Q5_0"), "available: tiny-Q4_0.gguf, tiny-Q8_0.gguf");
    }

    @Test
    void anUnreachableHubFallsBackToTheCache() throws Exception {
        Path p = resolve("org/tiny-GGUF:Q8_0");
        hub.close();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(p, models(null, false, new PrintStream(log, true, StandardCharsets.UTF_8)).resolve(RepoRef.parse("org/tiny-GGUF:Q8_0", null)));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("cannot connect") && log.toString(StandardCharsets.UTF_8).contains("using the cached"), log.toString());
        error(() -> resolve("org/other"), "cannot connect");
    }
}
