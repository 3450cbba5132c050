package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.kernels.cache.KvCacheType;
import io.github.lfm4j.model.ModelFiles;
import io.github.lfm4j.runner.hub.HubModels;
import io.github.lfm4j.runner.hub.HubSettings;
import io.github.lfm4j.runner.hub.RepoRef;
import io.github.lfm4j.runner.api.Device;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code lfm4j bench}: end-to-end prompt-processing and token-generation speed of the engines, in the manner of
 * llama.cpp's llama-bench. Prints a Markdown table on stdout, progress on stderr, and with {@code --out} writes
 * results.json, results.csv and PNG charts.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark prompt processing (pp) and token generation (tg) end to end, like llama-bench.",
                "Each test runs --warmup times untimed, then -r times; t/s is reported as mean ± stddev."})
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "GGUF model file or Hugging Face checkpoint directory.")
    Path model;

    @Option(names = {"-hf", "--hf-repo"}, paramLabel = "ORG/NAME[:QUANT]",
            description = "Model from the Hugging Face Hub (downloaded into the huggingface_hub cache unless there).")
    String hfRepo;

    @Option(names = "--hf-token", paramLabel = "TOKEN", description = "Hub token (default: $HF_TOKEN).")
    String hfToken;

    @Option(names = "--offline", description = "Take -hf models from the cache only (also HF_HUB_OFFLINE=1).")
    boolean offline;

    @Option(names = "--synthetic", paramLabel = "NAME",
            description = "Synthetic model <preset>-<type> (any synth --type), e.g. 1.2b-q4_0, 1.2b-q4_k_m, tiny-q8_0; generated once into the cache.")
    String synthetic;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where synthetic models are kept (default: ~/.cache/lfm4j/synthetic).")
    Path cacheDir;

    @Option(names = "--device", split = ",", paramLabel = "DEVICE", defaultValue = "cpu",
            description = "Devices: cpu, gpu (default: ${DEFAULT-VALUE}).")
    List<String> devices;

    @Option(names = {"-t", "--threads"}, split = ",", paramLabel = "N",
            description = "CPU thread counts (default: all processors).")
    List<Integer> threads;

    @Option(names = {"-p", "--n-prompt"}, split = ",", paramLabel = "N", defaultValue = "512",
            description = "Prompt lengths for pp tests; 0 skips pp (default: ${DEFAULT-VALUE}).")
    List<Integer> promptLengths;

    @Option(names = {"-n", "--n-gen"}, split = ",", paramLabel = "N", defaultValue = "128",
            description = "Tokens generated in tg tests; 0 skips tg (default: ${DEFAULT-VALUE}).")
    List<Integer> genLengths;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N", defaultValue = "5",
            description = "Measured runs per test (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1",
            description = "Untimed runs before each test's measured ones (default: ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--context-sweep", split = ",", paramLabel = "N",
            description = "Context depths at which to measure decode speed, e.g. 512,4096,16384.")
    List<Integer> sweepDepths;

    @Option(names = "--sweep-tokens", paramLabel = "N", defaultValue = "16",
            description = "Decode steps measured at each sweep depth (default: ${DEFAULT-VALUE}).")
    int sweepTokens;

    @Option(names = "--sweep-prompt", paramLabel = "N", defaultValue = "0",
            description = "Also time a prefill of N tokens at each sweep depth, as llama-bench's -p N -d D; 0 skips it "
                    + "(default: ${DEFAULT-VALUE}).")
    int sweepPrompt;

    @Option(names = {"-ctk", "--cache-type-k"}, split = ",", paramLabel = "TYPE",
            description = "KV cache types of keys to run with: f32, f16, q8_0 (default: the engine's, f16 on the CPU).")
    List<String> cacheTypesK;

    @Option(names = {"-ctv", "--cache-type-v"}, split = ",", paramLabel = "TYPE",
            description = "KV cache types of values; every -ctk is run with every -ctv (default: the engine's).")
    List<String> cacheTypesV;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1234",
            description = "Seed of the random prompt tokens (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write results.json, results.csv and PNG charts here.")
    Path out;

    @Option(names = "--compare-llama-cpp", description = "Also run llama-bench (if on the PATH) on the same file and threads.")
    boolean compareLlamaCpp;

    @Option(names = "--repack", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "CPU engine: repack Q4_0 matrices into the interleaved layout at load (default); "
                    + "--no-repack keeps them memory-mapped as stored.")
    boolean repack;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "auto (a bar when stderr is a terminal, else lines), bar, lines or none (default: ${DEFAULT-VALUE}).")
    String progressMode;

    @Override
    public Integer call() {
        if ((model != null ? 1 : 0) + (synthetic != null ? 1 : 0) + (hfRepo != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("give the model as one of -m FILE, -hf ORG/NAME[:QUANT] or --synthetic NAME");
        }
        PrintWriter err = spec.commandLine().getErr();
        BenchSettings settings = settings();
        Progress.Mode mode = progressMode();
        if (out != null) prepareOutputDirectory(out);
        // resolves the engines first: a missing GPU engine is reported before any model is generated or loaded
        Progress progress = new Progress(err, mode, BenchRunner.progressUnits(settings));
        BenchRunner runner = new BenchRunner(settings, progress, repack);
        // a synthetic model's context is known from its preset: no need to generate it to refuse the tests
        if (synthetic != null) checkContext(settings, SyntheticModels.parse(synthetic).shape().contextLength());
        Path file = modelFile(progress);
        ModelInfo info = ModelInfo.read(file);
        checkContext(settings, info.contextLength());

        List<EngineRun> runs;
        try {
            runs = runner.run(file);
        } finally {
            progress.finish();
        }
        List<LlamaBenchResult> llamaCpp = compareLlamaCpp ? llamaCpp(file, settings, progress) : null;
        BenchReport report = new BenchReport(info, settings, runs, llamaCpp, SystemInfo.current());

        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(MarkdownReport.render(report));
        stdout.flush();
        if (out != null) {
            JsonReport.write(report, out.resolve("results.json"));
            CsvReport.write(report, out.resolve("results.csv"));
            List<Path> charts = BenchCharts.write(report, out);
            progress.note("wrote results.json, results.csv"
                    + (charts.isEmpty() ? "" : ", " + String.join(", ", charts.stream().map(p -> p.getFileName().toString()).toList()))
                    + " to " + out);
        }
        return 0;
    }

    private BenchSettings settings() {
        List<Device> devs = devices.stream().map(BenchCommand::benchDevice).distinct().toList();
        List<Integer> t = threads != null ? threads : List.of(Runtime.getRuntime().availableProcessors());
        return new BenchSettings(devs, t, nonNegativeSkippingZero(promptLengths, "-p"),
                nonNegativeSkippingZero(genLengths, "-n"), repetitions, warmups,
                sweepDepths == null ? List.of() : sweepDepths, sweepTokens, sweepPrompt,
                BenchSettings.CacheTypes.product(cacheTypes(cacheTypesK), cacheTypes(cacheTypesV)), seed);
    }

    private static List<KvCacheType> cacheTypes(List<String> names) {
        return names == null ? null : names.stream().map(KvCacheType::parse).distinct().toList();
    }

    /** cpu or gpu: a benchmark names the device it measures, so auto is refused. */
    static Device benchDevice(String name) {
        return switch (name.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> Device.CPU;
            case "gpu" -> Device.GPU;
            case "auto" -> throw new IllegalArgumentException("bench measures a named device: use cpu or gpu, not auto");
            default -> throw new IllegalArgumentException("unknown device '" + name + "' (known: cpu, gpu)");
        };
    }

    /** llama-bench's convention: 0 in -p or -n means no test of that kind. */
    private static List<Integer> nonNegativeSkippingZero(List<Integer> values, String option) {
        for (int v : values) if (v < 0) throw new IllegalArgumentException(option + " values must be >= 0, got " + v);
        return values.stream().filter(v -> v > 0).distinct().toList();
    }

    private Progress.Mode progressMode() {
        return switch (progressMode) {
            case "auto" -> Progress.auto();
            case "bar" -> Progress.Mode.BAR;
            case "lines" -> Progress.Mode.LINES;
            case "none" -> Progress.Mode.NONE;
            default -> throw new IllegalArgumentException("unknown progress mode '" + progressMode
                    + "' (known: auto, bar, lines, none)");
        };
    }

    private Path modelFile(Progress progress) {
        if (synthetic != null) {
            Path dir = cacheDir != null ? cacheDir : SyntheticModels.defaultCacheDir();
            return SyntheticModels.obtain(synthetic, dir, progress::note);
        }
        if (hfRepo != null) {
            boolean terminal = System.console() != null && System.console().isTerminal();
            return new HubModels(HubSettings.fromEnvironment(hfToken, offline), System.err, terminal)
                    .resolve(RepoRef.parse(hfRepo, null));
        }
        ModelFiles.requireExists(model);
        return model;
    }

    private static void checkContext(BenchSettings settings, int trained) {
        if (settings.contextNeeded() > trained) {
            throw new IllegalArgumentException("the tests need a context of " + settings.contextNeeded()
                    + " tokens but the model was trained for " + trained);
        }
    }

    private static void prepareOutputDirectory(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + " exists and is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create --out directory " + dir + ": " + e.getMessage());
        }
    }

    private static List<LlamaBenchResult> llamaCpp(Path file, BenchSettings settings, Progress progress) {
        Optional<Path> exe = LlamaBench.find();
        if (exe.isEmpty()) {
            progress.note("llama-bench not found on the PATH; no llama.cpp comparison");
            return null;
        }
        progress.note("running " + String.join(" ", LlamaBench.arguments(exe.get(), file, settings)));
        try {
            return LlamaBench.run(exe.get(), file, settings);
        } catch (IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
            progress.note("no llama.cpp comparison: " + e.getMessage());
            return null;
        }
    }
}
