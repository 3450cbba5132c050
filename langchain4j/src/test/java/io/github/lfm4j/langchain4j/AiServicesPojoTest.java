package io.github.lfm4j.langchain4j;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.service.AiServices;
import io.github.lfm4j.runner.api.GenerationOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An AiService returning a record: the model declares no JSON-schema capability, so LangChain4j asks for JSON in the
 * prompt instead of through a response format (which lfm4j would refuse) and parses the answer text.
 */
class AiServicesPojoTest {

    record Weather(String city, int temperatureC) {}

    interface Extractor {
        Weather extract(String text);
    }

    @Test
    void recordReturnTypesWorkThroughPromptInstructions() {
        List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        ChatModelListener recorder = new ChatModelListener() {
            @Override
            public void onRequest(ChatModelRequestContext context) {
                requests.add(context.chatRequest());
            }
        };
        TestModel.Script script = new TestModel.Script(TestModel.shared(), (prompt, g) ->
                prompt.contains("temperatureC") ? "{\"city\": \"Lyon\", \"temperatureC\": 17}" : "no idea");
        try (Lfm4jChatModel model = Lfm4jChatModel.builder().model(TestModel.shared()).listeners(List.of(recorder))
                .generationOptions(GenerationOptions.greedy().withSelector(script)).build()) {
            Extractor extractor = AiServices.create(Extractor.class, model);
            assertEquals(new Weather("Lyon", 17), extractor.extract("It is 17 degrees in Lyon today."));
        }
        assertEquals(1, requests.size());
        assertNull(requests.getFirst().responseFormat());
        assertTrue(script.prompts.getFirst().contains("It is 17 degrees in Lyon today."), script.prompts.getFirst());
    }
}
