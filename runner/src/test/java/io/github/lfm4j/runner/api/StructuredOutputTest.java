package io.github.lfm4j.runner.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.grammar.JsonGrammars;
import io.github.lfm4j.model.sampling.SamplerParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Constrained decoding on the random-weight tiny model, which has no wish to write JSON: every byte of validity
 * comes from the constraint. Each schema of {@code structured/schemas.jsonl} × prompts × greedy and sampled
 * decoding must end by itself (finish reason stop, never the token limit) with JSON that a real validator
 * (networknt, format assertions on) accepts.
 */
class StructuredOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final SchemaRegistry VALIDATORS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final int MAX_TOKENS = 600;
    private static LanguageModel model;

    @BeforeAll
    static void load() {
        model = TinyModel.load();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    record Case(String name, JsonNode schema) {}

    static List<Case> cases() throws Exception {
        List<Case> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                StructuredOutputTest.class.getResourceAsStream("/structured/schemas.jsonl"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                JsonNode n = JSON.readTree(line);
                out.add(new Case(n.get("name").asText(), n.get("schema")));
            }
        }
        return out;
    }

    static final List<SamplerParams> SAMPLERS = List.of(
            SamplerParams.greedy(),
            SamplerParams.defaults(11),                                              // the model card's sampling
            new SamplerParams(1.0f, 0, 0.95f, 0.02f, 1.1f, 0.2f, 64, 12345));        // hot, top-p, min-p, penalties

    @Test
    void everySchemaOutputParsesAndValidates() throws Exception {
        List<Case> cases = cases();
        assertTrue(cases.size() >= 30, cases.size() + " schemas");
        String[] prompts = {"Hello", "The answer is", "{"};
        List<String> failures = new ArrayList<>();
        int runs = 0;
        for (Case c : cases) {
            Schema validator = VALIDATORS.getSchema(c.schema());
            GenerationOptions base = GenerationOptions.greedy().withJsonSchema(JSON.writeValueAsString(c.schema()))
                    .withMaxTokens(MAX_TOKENS);
            for (int s = 0; s < SAMPLERS.size(); s++) {
                for (String prompt : prompts) {
                    GenerationResult r = model.complete(prompt, base.withSampling(SAMPLERS.get(s)));
                    runs++;
                    String why = check(r, validator);
                    if (why != null) failures.add(c.name() + " sampler " + s + " prompt '" + prompt + "': " + why);
                }
            }
        }
        if (!failures.isEmpty()) fail(failures.size() + " of " + runs + " outputs failed:\n" + String.join("\n", failures));
    }

    /** Null when the output ended by itself and validates; else why not. */
    static String check(GenerationResult r, Schema validator) {
        if (r.finishReason() != FinishReason.STOP) return "finish " + r.finishReason() + " after " + r.usage().completionTokens() + " tokens: " + r.content();
        JsonNode value;
        try {
            value = JSON.readTree(r.content());
        } catch (Exception e) {
            return "does not parse: " + r.content();
        }
        List<Error> errors = validator.validate(value, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
        return errors.isEmpty() ? null : errors + " for " + r.content();
    }

    @Test
    void chatThinksFreelyThenAnswersInTheSchema() throws Exception {
        Case c = cases().getFirst(); // the weather function's arguments
        Schema validator = VALIDATORS.getSchema(c.schema());
        for (long seed = 1; seed <= 3; seed++) {
            // the budget closes the trace (a random model would think forever), then the answer is constrained
            GenerationOptions o = GenerationOptions.defaults().withSampling(SamplerParams.defaults(seed))
                    .withThinkingBudget(6).withMaxTokens(MAX_TOKENS).withJsonSchema(JSON.writeValueAsString(c.schema()));
            GenerationResult r = model.chatCompletion(List.of(ChatMessage.user("Weather in Paris?")), List.of(), o);
            assertEquals(null, check(r, validator));
            assertFalse(r.reasoning().isEmpty(), "the trace was free, and written");
        }
        // thinking off: the answer is constrained from the first token
        GenerationOptions off = GenerationOptions.greedy().withThinking(false).withMaxTokens(MAX_TOKENS)
                .withJsonSchema(JSON.writeValueAsString(c.schema()));
        GenerationResult r = model.chatCompletion(List.of(ChatMessage.user("Weather?")), List.of(), off);
        assertEquals(null, check(r, validator));
    }

    /**
     * What the selector sees: the raw logits of exactly the tokens a fresh matcher (fed the same output) allows,
     * -inf elsewhere; and greedy picks the best of them.
     */
    @Test
    void theSelectorSeesOnlyAllowedTokensWithTheirOwnLogits() throws Exception {
        String schema = JSON.writeValueAsString(cases().get(1).schema()); // math reasoning: nested objects, arrays
        List<float[]> seen = new ArrayList<>();
        GenerationOptions o = GenerationOptions.greedy().withMaxTokens(MAX_TOKENS).withJsonSchema(schema)
                .withSelector((logits, history, n) -> {
                    seen.add(logits.clone());
                    return io.github.lfm4j.model.sampling.Sampler.argmax(logits, logits.length);
                });
        GenerationResult r = model.complete("Solve", o);
        assertEquals(FinishReason.STOP, r.finishReason());
        GenerationResult free = model.complete("Solve", GenerationOptions.greedy().withMaxTokens(seen.size()));
        var tok = model.tokenizer();
        var matcher = new io.github.lfm4j.model.grammar.GrammarMatcher(o.grammar(), null);
        // the output's tokens, re-derived from the masked logits: the argmax of each step
        byte[] all = r.content().getBytes(StandardCharsets.UTF_8);
        int offset = 0;
        for (float[] logits : seen) {
            int chosen = io.github.lfm4j.model.sampling.Sampler.argmax(logits, logits.length);
            for (int t = 0; t < logits.length; t++) {
                boolean allowed = !tok.isControl(t) && tok.tokenBytes(t).length > 0 && matcher.allows(tok.tokenBytes(t));
                if (tok.isEndOfGeneration(t) || t == tok.eos()) allowed = matcher.isComplete();
                if (allowed) assertTrue(Float.isFinite(logits[t]), "token " + t + " allowed but masked");
                else assertEquals(Float.NEGATIVE_INFINITY, logits[t], "token " + t + " not allowed but visible");
            }
            if (tok.isEndOfGeneration(chosen) || chosen == tok.eos()) break;
            byte[] b = tok.tokenBytes(chosen);
            assertTrue(matcher.accept(b));
            offset += b.length;
        }
        assertEquals(all.length, offset, "the chosen tokens spell the answer");
        assertFalse(free.text().equals(r.text()), "unconstrained, the random model writes no such JSON");
    }

    @Test
    void jsonObjectModeGivesAnObject() throws Exception {
        for (long seed = 1; seed <= 4; seed++) {
            GenerationOptions o = GenerationOptions.defaults().withSampling(SamplerParams.defaults(seed).withTemperature(1f))
                    .withMaxTokens(MAX_TOKENS).withJsonObject();
            GenerationResult r = model.complete("x", o);
            // free-form JSON has no bound, so the token limit may come first: then the text is a valid prefix
            if (r.finishReason() == FinishReason.STOP) {
                assertTrue(JSON.readTree(r.content()).isObject(), r.content());
            } else {
                assertEquals(FinishReason.LENGTH, r.finishReason());
                assertTrue(io.github.lfm4j.model.grammar.Grammar.parse(JsonGrammars.JSON_OBJECT).matchesPrefix(r.content()), r.content());
            }
        }
    }
}
