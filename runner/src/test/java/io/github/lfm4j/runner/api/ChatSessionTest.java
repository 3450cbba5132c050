package io.github.lfm4j.runner.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.chat.ChatRole;
import io.github.lfm4j.model.chat.tools.ToolDefinition;
import io.github.lfm4j.model.sampling.Sampler;
import io.github.lfm4j.model.sampling.SamplerParams;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import io.github.lfm4j.runner.engine.Generator;
import io.github.lfm4j.runner.engine.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Multi-turn state reuse, tool-call round trips and raw completion on the tiny model's real (random) weights. */
class ChatSessionTest {
    static LanguageModel model;
    static Tokenizer tok;

    @BeforeAll
    static void load() {
        model = TinyModel.load();
        tok = model.tokenizer();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Greedy decoding of the model itself, a few tokens per turn, no loop guard (random weights repeat a lot). */
    static GenerationOptions greedy(int n) {
        return GenerationOptions.greedy().withMaxTokens(n).withLoopGuard(null);
    }

    @Test
    void laterTurnsReuseTheCacheAndAnswerAsAFreshSessionWould() {
        try (ChatSession chat = model.newChat("You are terse.", List.of())) {
            chat.setOptions(greedy(10));
            GenerationResult first = chat.send("Hello there");
            int firstPrompt = first.usage().promptTokens();
            assertEquals(0, first.usage().cachedPromptTokens());
            for (String next : List.of("Tell me more", "And then?")) {
                GenerationResult again = chat.send(next);
                assertTrue(again.usage().completionTokens() > 0);
                // the previous prompt was kept; only the answer and the new message were processed
                assertTrue(again.usage().cachedPromptTokens() >= firstPrompt, again.usage().toString());
                assertTrue(again.usage().prefilledTokens() < again.usage().promptTokens());

                List<ChatMessage> history = chat.messages();
                List<ChatMessage> upToQuestion = history.subList(0, history.size() - 1);
                assertEquals(again.usage().promptTokens(), model.chatPromptTokens(upToQuestion, List.of()).length);
                try (LanguageModel fresh = TinyModel.load()) {
                    GenerationResult reference = fresh.chatCompletion(upToQuestion, List.of(), greedy(10));
                    assertEquals(0, reference.usage().cachedPromptTokens());
                    assertEquals(reference.text(), again.text());
                    assertEquals(reference.finishReason(), again.finishReason());
                    assertEquals(reference.usage().completionTokens(), again.usage().completionTokens());
                }
            }
            chat.reset();
            assertEquals(List.of(ChatMessage.system("You are terse.")), chat.messages());
            assertEquals(0, chat.cachedTokens());
            assertEquals(first.text(), chat.send("Hello there").text());
        }
    }

    @Test
    void statelessCallsReuseAPooledSessionWithTheSamePrefix() {
        List<ChatMessage> turn1 = List.of(ChatMessage.user("Pool test"));
        GenerationResult a = model.chatCompletion(turn1, List.of(), greedy(6));
        List<ChatMessage> turn2 = new ArrayList<>(turn1);
        turn2.add(ChatMessage.assistant(a.content()));
        turn2.add(ChatMessage.user("Continue"));
        GenerationResult b = model.chatCompletion(turn2, List.of(), greedy(6));
        assertTrue(b.usage().cachedPromptTokens() >= a.usage().promptTokens(), b.usage().toString());
        try (LanguageModel fresh = TinyModel.load()) {
            assertEquals(fresh.chatCompletion(turn2, List.of(), greedy(6)).text(), b.text());
        }
    }

    /** Concurrent stateless calls on one model (two worker threads shared) give the answers sequential calls give. */
    @Test
    void concurrentCallsOnOneModel() throws Exception {
        List<List<ChatMessage>> prompts = List.of(List.of(ChatMessage.user("First thread")),
                List.of(ChatMessage.user("Second thread")), List.of(ChatMessage.user("Third")));
        try (LanguageModel shared = LanguageModel.load(TinyModel.PATH, ModelOptions.defaults().withThreads(2))) {
            List<String> sequential = new ArrayList<>();
            for (List<ChatMessage> p : prompts) sequential.add(shared.chatCompletion(p, List.of(), greedy(5)).text());
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(3)) {
                List<java.util.concurrent.Future<String>> futures = new ArrayList<>();
                for (List<ChatMessage> p : prompts) {
                    futures.add(pool.submit(() -> shared.chatCompletion(p, List.of(), greedy(5)).text()));
                }
                for (int i = 0; i < prompts.size(); i++) assertEquals(sequential.get(i), futures.get(i).get());
            }
        }
    }

    @Test
    void toolCallRoundTrip() throws Exception {
        ToolDefinition weather = ToolDefinition.parse("{\"name\": \"get_weather\", \"description\": \"Weather now\","
                + " \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}}");
        try (ChatSession chat = model.newChat(null, List.of(weather))) {
            chat.setOptions(GenerationOptions.greedy().withSelector(TinyModel.say(tok,
                    "<think>The user wants weather.</think><|tool_call_start|>[get_weather(city=\"Paris\")]<|tool_call_end|>")));
            GenerationResult call = chat.send("Weather in Paris?");
            assertEquals(FinishReason.TOOL_CALLS, call.finishReason());
            assertEquals("The user wants weather.", call.reasoning());
            ChatMessage assistant = chat.messages().getLast();
            assertEquals(ChatRole.ASSISTANT, assistant.role());
            assertEquals(call.toolCalls(), assistant.toolCalls());

            chat.setOptions(GenerationOptions.greedy().withSelector(TinyModel.say(tok, "It is sunny in Paris.")));
            GenerationResult answer = chat.send(List.of(ChatMessage.tool("get_weather", null,
                    new ObjectMapper().createObjectNode().put("sky", "sunny").toString())), null);
            assertEquals("It is sunny in Paris.", answer.content());
            assertEquals(FinishReason.STOP, answer.finishReason());
            String prompt = model.chatPromptText(chat.messages().subList(0, 3), List.of(weather));
            assertTrue(prompt.contains("get_weather(city=\"Paris\")"), prompt);
            assertTrue(prompt.contains("<|im_start|>tool\n{\"sky\":\"sunny\"}"), prompt);
            assertEquals(4, chat.messages().size());
        }
    }

    /** Raw completion against the engine's own token-level loop: same tokens, same text. */
    @Test
    void completionMatchesTheTokenLevelGenerator() {
        String prompt = "Once upon a time";
        GenerationResult r = model.complete(prompt, greedy(20));
        int[] promptIds = tok.encode(prompt, true, true);
        assertEquals(promptIds.length, r.usage().promptTokens());
        int[] stops = IntStream.range(0, tok.vocabSize()).filter(tok::isEndOfGeneration).toArray();
        Session s = model.engine().cpuModel().orElseThrow().newSession(model.contextSize());
        Generator.Result g = Generator.generate(s, promptIds, new Sampler(SamplerParams.greedy()), 20, stops, null);
        assertEquals(tok.decode(g.tokens(), false), r.text());
        assertEquals(r.text(), r.content());
        assertEquals(g.tokens().length, r.usage().completionTokens());
        assertEquals(g.stopReason() == Generator.StopReason.MAX_TOKENS ? FinishReason.LENGTH : FinishReason.STOP,
                r.finishReason());
        assertTrue(r.usage().promptTokensPerSecond() > 0);
        assertTrue(r.usage().timeToFirstTokenNanos() > 0);
    }
}
