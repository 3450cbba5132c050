package io.github.lfm4j.langchain4j;

import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.GenerationResult;
import io.github.lfm4j.runner.api.LanguageModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chat memory over three turns: LangChain4j sends the whole history each time, and the engine prefills only what
 * the previous turn's cache does not hold. The answers are the model's own (greedy decoding of the random
 * weights, no script), so the test also shows that the reused cache gives what a fresh model over the whole
 * history gives.
 */
class ChatMemoryTest {

    interface Assistant {
        Result<String> chat(String message);
    }

    @Test
    void threeTurnsPrefillOnlyTheNewTokens() {
        GenerationOptions greedy = GenerationOptions.greedy().withMaxTokens(6);
        List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        ChatModelListener recorder = new ChatModelListener() {
            @Override
            public void onRequest(ChatModelRequestContext context) {
                requests.add(context.chatRequest());
            }
        };
        try (LanguageModel model = TestModel.load()) { // its own model: an empty session pool, nothing cached yet
            Lfm4jChatModel chatModel = Lfm4jChatModel.builder().model(model).generationOptions(greedy)
                    .listeners(List.of(recorder)).build();
            Assistant assistant = AiServices.builder(Assistant.class).chatModel(chatModel)
                    .chatMemory(MessageWindowChatMemory.withMaxMessages(20)).build();

            int previousInput = 0;
            String[] questions = {"Hello there, who are you?", "Tell me about the sea.", "And the mountains?"};
            for (int turn = 0; turn < questions.length; turn++) {
                Result<String> r = assistant.chat(questions[turn]);
                Lfm4jTokenUsage u = assertInstanceOf(Lfm4jTokenUsage.class, r.tokenUsage());
                List<ChatMessage> sent = MessageMapper.toLfm4j(requests.get(turn).messages());
                assertEquals(2 * turn + 1, sent.size());
                // the input count is the rendered conversation's length, counted independently
                assertEquals(model.chatPromptTokens(sent, List.of()).length, u.inputTokenCount());
                if (turn == 0) {
                    assertEquals(0, u.cachedInputTokenCount());
                } else {
                    // everything the previous request sent comes from the cache; only the last answer and the new
                    // question are prefilled
                    assertTrue(u.cachedInputTokenCount() >= previousInput, "turn " + (turn + 1) + ": " + u);
                    assertTrue(u.prefilledInputTokenCount() > 0
                            && u.prefilledInputTokenCount() <= u.inputTokenCount() - previousInput, "turn " + (turn + 1) + ": " + u);
                }
                previousInput = u.inputTokenCount();

                // the same conversation on a fresh model (nothing cached) gives the same answer
                try (LanguageModel fresh = TestModel.load()) {
                    GenerationResult ref = fresh.chatCompletion(sent, List.of(), greedy);
                    assertEquals(0, ref.usage().cachedPromptTokens());
                    assertEquals(ref.content(), r.content(), "turn " + (turn + 1));
                    assertEquals(ref.reasoning().isEmpty() ? null : ref.reasoning(),
                            r.finalResponse().aiMessage().thinking(), "turn " + (turn + 1));
                    assertEquals(ref.usage().completionTokens(), u.outputTokenCount());
                }
            }
        }
    }
}
