package io.github.lfm4j.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.sampling.Logprobs;
import io.github.lfm4j.model.sampling.Sampler;
import io.github.lfm4j.model.sampling.SamplerParams;
import io.github.lfm4j.model.sampling.TokenLogprob;
import io.github.lfm4j.runner.engine.Generator;
import io.github.lfm4j.runner.engine.Lfm2Model;
import io.github.lfm4j.runner.engine.Session;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lfm4j generate}: token-level generation on the CPU engine, for checking the engine against other
 * implementations and for measuring its speed.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate tokens from a prompt given as token ids (--tokens) or text (-p).")
public final class GenerateCommand implements Callable<Integer> {

    /** Default context when -c is not given: enough for tests and benchmarks without a large KV cache. */
    static final int DEFAULT_CONTEXT = 4096;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model file.")
    Path model;

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

    @Option(names = "--temp", paramLabel = "T", description = "Temperature; 0 = greedy, without the default"
            + " repetition penalty (default: " + SamplerParams.DEFAULT_TEMPERATURE + ").")
    Float temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "Top-k; 0 disables (default: " + SamplerParams.DEFAULT_TOP_K + ").")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "Top-p; 1 disables (default: " + SamplerParams.DEFAULT_TOP_P + ").")
    Float topP;

    @Option(names = "--min-p", paramLabel = "P", description = "Min-p; 0 disables (default: " + SamplerParams.DEFAULT_MIN_P + ").")
    Float minP;

    @Option(names = "--repeat-penalty", paramLabel = "R",
            description = "Repetition penalty; 1 disables (default: " + SamplerParams.DEFAULT_REPETITION_PENALTY + ").")
    Float repeatPenalty;

    @Option(names = "--presence-penalty", paramLabel = "P", description = "Presence penalty (default: 0).")
    Float presencePenalty;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: random).")
    Long seed;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Worker threads; 0 = all processors (default).")
    int threads;

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
            return TextGenerateMode.run(new TextGenerateMode.Request(model, prompt, chat, maxTokens, samplerParams(),
                    threads, context, topLogprobs, json), spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        if (!Files.isRegularFile(model)) throw new IllegalArgumentException("model file not found: " + model);
        if (maxTokens < 0) throw new IllegalArgumentException("-n must be >= 0, got " + maxTokens);
        if (topLogprobs < 0) throw new IllegalArgumentException("--top-logprobs must be >= 0, got " + topLogprobs);
        SamplerParams params = samplerParams();

        try (Lfm2Model m = Lfm2Model.load(model, threads)) {
            int ctx = context != null ? context : Math.min(DEFAULT_CONTEXT, m.config().contextLength());
            Session session = m.newSession(ctx);
            session.checkCapacity(tokens.length, maxTokens);
            int eos = m.file().getInt("tokenizer.ggml.eos_token_id", -1);
            int[] stop = ignoreEos || eos < 0 ? new int[0] : new int[]{eos};

            List<TokenLogprob[]> logprobs = new ArrayList<>();
            Generator.Result r = Generator.generate(session, tokens, new Sampler(params), maxTokens, stop,
                    (token, logits) -> {
                        if (topLogprobs > 0) logprobs.add(Logprobs.top(logits, topLogprobs));
                        return true;
                    });
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(toJson(r, logprobs));
            } else {
                out.println(String.join(" ", Arrays.stream(r.tokens()).mapToObj(Integer::toString).toList()));
                spec.commandLine().getErr().printf("prompt: %d tokens, %.1f tok/s; decode: %d tokens, %.1f tok/s%n",
                        r.promptTokens(), r.promptTokensPerSecond(), r.decodeSteps(), r.decodeTokensPerSecond());
            }
            out.flush();
        }
        return 0;
    }

    private SamplerParams samplerParams() {
        SamplerParams p = SamplerParams.defaults(seed != null ? seed : System.nanoTime());
        if (temperature != null) p = p.withTemperature(temperature);
        // --temp 0 means plain greedy decoding (comparable with other engines) unless a penalty is asked for
        if (p.isGreedy()) p = p.withRepetitionPenalty(1f);
        if (topK != null) p = p.withTopK(topK);
        if (topP != null) p = p.withTopP(topP);
        if (minP != null) p = p.withMinP(minP);
        if (repeatPenalty != null) p = p.withRepetitionPenalty(repeatPenalty);
        if (presencePenalty != null) p = p.withPresencePenalty(presencePenalty);
        return p;
    }

    private String toJson(Generator.Result r, List<TokenLogprob[]> logprobs) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode p = root.putArray("prompt_tokens");
        for (int t : tokens) p.add(t);
        ArrayNode g = root.putArray("tokens");
        for (int t : r.tokens()) g.add(t);
        root.put("text", "");
        root.put("stop_reason", r.stopReason().name().toLowerCase());
        ObjectNode timings = root.putObject("timings");
        timings.put("prompt_tokens", r.promptTokens());
        timings.put("prompt_tokens_per_second", r.promptTokensPerSecond());
        timings.put("decode_tokens", r.decodeSteps());
        timings.put("decode_tokens_per_second", r.decodeTokensPerSecond());
        if (topLogprobs > 0) {
            ArrayNode all = root.putArray("top_logprobs");
            for (TokenLogprob[] position : logprobs) {
                ArrayNode a = all.addArray();
                for (TokenLogprob lp : position) a.addObject().put("token", lp.token()).put("logprob", lp.logprob());
            }
        }
        return root.toString();
    }
}
