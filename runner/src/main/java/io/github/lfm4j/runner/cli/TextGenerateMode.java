package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.ModelFiles;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.grammar.Grammar;
import io.github.lfm4j.model.sampling.Logprobs;
import io.github.lfm4j.model.sampling.Sampler;
import io.github.lfm4j.model.sampling.SamplerParams;
import io.github.lfm4j.model.sampling.TokenLogprob;
import io.github.lfm4j.runner.api.GenerationEvent;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.GenerationResult;
import io.github.lfm4j.runner.api.LanguageModel;
import io.github.lfm4j.runner.api.ModelOptions;
import io.github.lfm4j.runner.api.Usage;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The text mode of {@code lfm4j generate -p TEXT}: a raw completion of the text (with BOS), or with {@code --chat}
 * the text as a user message rendered through the model's chat template. Prints the text as it is generated, or
 * with {@code --json} one object like the token mode's, with "text" filled in.
 */
final class TextGenerateMode {
    private TextGenerateMode() {}

    record Request(EngineOptions engine, String prompt, boolean chat, int maxTokens, SamplerParams sampling,
                   Integer context, int topLogprobs, boolean json, Grammar grammar) {
        Path model() {
            return engine.model();
        }
    }

    static int run(Request q, PrintWriter out, PrintWriter err) {
        if (q.maxTokens() < 1) throw new IllegalArgumentException("-n must be >= 1 with a text prompt, got " + q.maxTokens());
        ModelFiles.requireExists(q.model());
        int ctx = q.context() != null ? q.context() : GenerateCommand.defaultContext(q.model());
        ModelOptions mo = q.engine().modelOptions(ctx);
        try (LanguageModel m = LanguageModel.load(q.model(), mo)) {
            List<ChatMessage> messages = List.of(ChatMessage.user(q.prompt()));
            int[] promptIds = q.chat() ? m.chatPromptTokens(messages, List.of()) : m.tokenizer().encode(q.prompt(), true, true);
            if ((long) promptIds.length + q.maxTokens() > ctx) {
                throw new IllegalArgumentException("prompt of " + promptIds.length + " tokens + " + q.maxTokens()
                        + " to generate exceeds the context of " + ctx + " tokens");
            }
            // sample with the usual sampler, keeping the chosen tokens (and their top logprobs) for the JSON output
            Sampler sampler = new Sampler(q.sampling());
            List<Integer> chosen = new ArrayList<>();
            List<TokenLogprob[]> logprobs = new ArrayList<>();
            // with a grammar the selector sees the logits already masked (disallowed tokens at -inf)
            GenerationOptions options = GenerationOptions.defaults().withSampling(q.sampling()).withMaxTokens(q.maxTokens())
                    .withGrammar(q.grammar()).withSelector((logits, history, n) -> {
                        int t = sampler.sample(logits, history, n);
                        chosen.add(t);
                        if (q.topLogprobs() > 0) logprobs.add(Logprobs.top(logits, q.topLogprobs()));
                        return t;
                    });
            GenerationResult r = q.chat()
                    ? m.chatCompletion(messages, List.of(), options, e -> print(e, q.json(), out))
                    : m.complete(q.prompt(), options, e -> print(e, q.json(), out));
            if (!chosen.isEmpty() && m.tokenizer().isEndOfGeneration(chosen.getLast())) {
                chosen.removeLast();
                if (!logprobs.isEmpty() && logprobs.size() > chosen.size()) logprobs.removeLast();
            }
            Usage u = r.usage();
            if (q.json()) {
                out.println(json(promptIds, chosen, r, logprobs));
            } else {
                out.println();
                err.printf("prompt: %d tokens, %.1f tok/s; decode: %d tokens, %.1f tok/s; first token after %.0f ms; on %s%n",
                        u.promptTokens(), u.promptTokensPerSecond(), u.decodeSteps(), u.decodeTokensPerSecond(),
                        u.timeToFirstTokenMillis(), m.engine().deviceName());
            }
            out.flush();
            return 0;
        }
    }

    private static boolean print(GenerationEvent e, boolean json, PrintWriter out) {
        if (json) return true;
        switch (e) {
            case GenerationEvent.Reasoning r -> out.print(r.text());
            case GenerationEvent.Content c -> out.print(c.text());
            default -> {}
        }
        out.flush();
        return true;
    }

    private static String json(int[] prompt, List<Integer> tokens, GenerationResult r, List<TokenLogprob[]> logprobs) {
        ObjectNode root = GenerateJson.start(prompt, tokens.stream().mapToInt(Integer::intValue).toArray(), r.text());
        if (!r.reasoning().isEmpty()) root.put("reasoning", r.reasoning());
        root.put("stop_reason", r.finishReason().name().toLowerCase());
        Usage u = r.usage();
        GenerateJson.putTimings(root, u.promptTokens(), u.promptTokensPerSecond(), u.decodeSteps(), u.decodeTokensPerSecond())
                .put("time_to_first_token_ms", u.timeToFirstTokenMillis());
        if (!logprobs.isEmpty()) GenerateJson.putTopLogprobs(root, logprobs);
        return root.toString();
    }
}
