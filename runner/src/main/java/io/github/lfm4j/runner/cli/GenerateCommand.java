package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.ModelFiles;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFFormatException;
import io.github.lfm4j.model.sampling.Logprobs;
import io.github.lfm4j.model.sampling.Sampler;
import io.github.lfm4j.model.sampling.SamplerParams;
import io.github.lfm4j.model.sampling.TokenLogprob;
import io.github.lfm4j.model.tokenizer.StreamingDecoder;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.runner.api.LoadedEngine;
import io.github.lfm4j.runner.api.ModelOptions;
import io.github.lfm4j.runner.engine.EngineSession;
import io.github.lfm4j.runner.engine.Generator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lfm4j generate}: token-level generation on the engine {@code --device} selects (through
 * {@link LoadedEngine}, like the library), for checking the engines against other implementations and for measuring
 * their speed.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate tokens from a prompt given as token ids (--tokens) or text (-p).")
public final class GenerateCommand implements Callable<Integer> {

    /** Default context when -c is not given: enough for tests and benchmarks without a large KV cache. */
    static final int DEFAULT_CONTEXT = 4096;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    EngineOptions engine;

    @Option(names = "--tokens", split = ",", paramLabel = "IDS", description = "Prompt as comma-separated token ids.")
    int[] tokens;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT",
            description = "Prompt text: completed as raw text (tokenized with BOS), or with --chat sent as a user message.")
    String prompt;

    @Option(names = "--chat", description = "With -p: render the prompt as a user message through the chat template.")
    boolean chat;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "128",
            description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    StructuredOptions structured;

    @Option(names = {"-c", "--ctx"}, paramLabel = "CTX",
            description = "Context size in tokens (default: " + DEFAULT_CONTEXT + " or the model's, if smaller).")
    Integer context;

    @Option(names = "--top-logprobs", paramLabel = "K", defaultValue = "0",
            description = "Report the K most likely tokens with log-probabilities at each generated position.")
    int topLogprobs;

    @Option(names = "--ignore-eos", description = "Do not stop at the end-of-sequence token.")
    boolean ignoreEos;

    @Option(names = "--json", description = "Print one JSON object with tokens, text and timings.")
    boolean json;

    @Override
    public Integer call() {
        if ((tokens == null) == (prompt == null)) {
            throw new IllegalArgumentException("give the prompt either as --tokens IDS or as -p TEXT");
        }
        if (chat && prompt == null) throw new IllegalArgumentException("--chat needs a text prompt (-p TEXT)");
        if (prompt != null) {
            if (ignoreEos) throw new IllegalArgumentException("--ignore-eos works with --tokens only");
            if (topLogprobs < 0) throw new IllegalArgumentException("--top-logprobs must be >= 0, got " + topLogprobs);
            return TextGenerateMode.run(new TextGenerateMode.Request(engine, prompt, chat, maxTokens, sampling.toParams(),
                    context, topLogprobs, json, structured.grammar()), spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        if (structured.grammar() != null) {
            throw new IllegalArgumentException("--json-schema, --grammar and --json-object work with a text prompt (-p)");
        }
        ModelFiles.requireExists(engine.model());
        if (maxTokens < 0) throw new IllegalArgumentException("-n must be >= 0, got " + maxTokens);
        if (topLogprobs < 0) throw new IllegalArgumentException("--top-logprobs must be >= 0, got " + topLogprobs);
        SamplerParams params = sampling.toParams();

        int ctx = context != null ? context : defaultContext(engine.model());
        ModelOptions mo = engine.modelOptions(ctx);
        PrintWriter err = spec.commandLine().getErr();
        try (LoadedEngine m = LoadedEngine.load(engine.model(), mo, err::println)) {
            Tokenizer tokenizer = tokenizer(m.file());
            EngineSession session = m.newSession();
            session.checkCapacity(tokens.length, maxTokens);
            int[] stop = ignoreEos ? new int[0] : stopTokens(m.file(), tokenizer);
            StreamingDecoder stream = !json && tokenizer != null ? tokenizer.streamingDecoder(false) : null;
            PrintWriter out = spec.commandLine().getOut();

            List<TokenLogprob[]> logprobs = new ArrayList<>();
            Generator.Result r = Generator.generate(session, tokens, new Sampler(params), maxTokens, stop,
                    (token, logits) -> {
                        if (topLogprobs > 0) logprobs.add(Logprobs.top(logits, topLogprobs));
                        if (stream != null && !contains(stop, token)) {
                            out.print(stream.next(token));
                            out.flush();
                        }
                        return true;
                    });
            if (json) {
                out.println(toJson(r, logprobs, tokenizer == null ? "" : tokenizer.decode(r.tokens(), false)));
            } else {
                if (stream != null) out.println(stream.flush());
                else out.println(String.join(" ", Arrays.stream(r.tokens()).mapToObj(Integer::toString).toList()));
                err.printf("prompt: %d tokens, %.1f tok/s; decode: %d tokens, %.1f tok/s; on %s%n",
                        r.promptTokens(), r.promptTokensPerSecond(), r.decodeSteps(), r.decodeTokensPerSecond(),
                        m.deviceName());
            }
            out.flush();
        }
        return 0;
    }

    /** {@link #DEFAULT_CONTEXT}, or the model's trained context if smaller. */
    static int defaultContext(Path model) {
        ModelFiles.requireExists(model);
        try (GGUFFile f = ModelFiles.open(model)) {
            return Math.min(DEFAULT_CONTEXT, Lfm2Config.from(f).contextLength());
        }
    }

    /** The model's tokenizer, or null when the file has none usable (token ids are then printed, text is empty). */
    private static Tokenizer tokenizer(GGUFFile file) {
        try {
            return Tokenizer.fromGGUF(file);
        } catch (GGUFFormatException e) {
            return null;
        }
    }

    /** End-of-generation tokens (EOS and the like, e.g. {@code <|im_end|>}), from the tokenizer or the EOS id. */
    private static int[] stopTokens(GGUFFile file, Tokenizer tokenizer) {
        if (tokenizer == null) {
            int eos = file.getInt("tokenizer.ggml.eos_token_id", -1);
            return eos < 0 ? new int[0] : new int[]{eos};
        }
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < tokenizer.vocabSize(); i++) if (tokenizer.isEndOfGeneration(i)) ids.add(i);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean contains(int[] values, int v) {
        for (int x : values) if (x == v) return true;
        return false;
    }

    private String toJson(Generator.Result r, List<TokenLogprob[]> logprobs, String text) {
        ObjectNode root = GenerateJson.start(tokens, r.tokens(), text);
        root.put("stop_reason", r.stopReason().name().toLowerCase());
        GenerateJson.putTimings(root, r.promptTokens(), r.promptTokensPerSecond(), r.decodeSteps(), r.decodeTokensPerSecond());
        if (topLogprobs > 0) GenerateJson.putTopLogprobs(root, logprobs);
        return root.toString();
    }
}
