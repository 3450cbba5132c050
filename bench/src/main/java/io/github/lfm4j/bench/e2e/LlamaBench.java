package io.github.lfm4j.bench.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Runs llama.cpp's {@code llama-bench} on the same file and settings, for a reference column in the report. */
public final class LlamaBench {
    private LlamaBench() {}

    /** The {@code llama-bench} executable on the PATH, if any. */
    public static Optional<Path> find() {
        return find(System.getenv("PATH"));
    }

    /** The {@code llama-bench} executable in the directories of {@code path} (a PATH value; may be null). */
    static Optional<Path> find(String path) {
        if (path == null) return Optional.empty();
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path exe = Path.of(dir, "llama-bench");
            if (Files.isRegularFile(exe) && Files.isExecutable(exe)) return Optional.of(exe);
        }
        return Optional.empty();
    }

    /** The llama-bench arguments for the same tests as ours: pp and tg at depth 0 (no context sweep). */
    static List<String> arguments(Path exe, Path model, BenchSettings s) {
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-m", model.toString(),
                "-t", join(s.threads()), "-r", Integer.toString(s.repetitions()), "-o", "json"));
        // llama-bench's defaults (-p 512 -n 128) apply when an option is missing; 0 skips that kind of test
        cmd.addAll(List.of("-p", s.promptLengths().isEmpty() ? "0" : join(s.promptLengths())));
        cmd.addAll(List.of("-n", s.genLengths().isEmpty() ? "0" : join(s.genLengths())));
        cacheTypes(cmd, s);
        return cmd;
    }

    /**
     * The llama-bench arguments for our context sweep, when there is one: {@code -n sweepTokens -p sweepPrompt
     * -d depths} (llama-bench fills each depth once and restores it for every run, as our sweep rewinds).
     */
    static Optional<List<String>> sweepArguments(Path exe, Path model, BenchSettings s) {
        if (s.sweepDepths().isEmpty()) return Optional.empty();
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-m", model.toString(),
                "-t", join(s.threads()), "-r", Integer.toString(s.repetitions()), "-o", "json",
                "-p", Integer.toString(s.sweepPrompt()), "-n", Integer.toString(s.sweepTokens()),
                "-d", join(s.sweepDepths())));
        cacheTypes(cmd, s);
        return Optional.of(cmd);
    }

    /** {@code -ctk}/{@code -ctv} for the cache types asked for; none where the engines' defaults run. */
    private static void cacheTypes(List<String> cmd, BenchSettings s) {
        String k = s.caches().stream().map(BenchSettings.CacheTypes::keys).filter(java.util.Objects::nonNull)
                .map(t -> t.id()).distinct().collect(Collectors.joining(","));
        String v = s.caches().stream().map(BenchSettings.CacheTypes::values).filter(java.util.Objects::nonNull)
                .map(t -> t.id()).distinct().collect(Collectors.joining(","));
        if (!k.isEmpty()) cmd.addAll(List.of("-ctk", k));
        if (!v.isEmpty()) cmd.addAll(List.of("-ctv", v));
    }

    /**
     * Runs llama-bench and parses its JSON. Its stderr (model loading logs) goes to a temporary file and only its last
     * line is shown when it fails.
     */
    public static List<LlamaBenchResult> run(Path exe, Path model, BenchSettings s) {
        List<LlamaBenchResult> results = new ArrayList<>();
        if (!s.promptLengths().isEmpty() || !s.genLengths().isEmpty()) results.addAll(run(arguments(exe, model, s)));
        sweepArguments(exe, model, s).ifPresent(cmd -> results.addAll(run(cmd)));
        return results;
    }

    private static List<LlamaBenchResult> run(List<String> cmd) {
        Path log = null;
        try {
            log = Files.createTempFile("llama-bench", ".log");
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            if (exit != 0) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                String last = lines.isEmpty() ? "no message" : lines.getLast().strip();
                throw new IllegalStateException("llama-bench failed (exit " + exit + "): " + last);
            }
            return LlamaBenchResult.parse(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for llama-bench");
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    private static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
