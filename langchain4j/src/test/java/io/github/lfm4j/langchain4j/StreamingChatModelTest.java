package io.github.lfm4j.langchain4j;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.LanguageModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming model on its own: event order, complete tool calls, cancellation, errors, one model many threads. */
class StreamingChatModelTest {

    /** Records every callback in order and completes when the stream ends. */
    static final class Recorder implements StreamingChatResponseHandler {
        final List<String> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        volatile int cancelAfterPartials = -1;

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            events.add("answer:" + partial.text());
            if (cancelAfterPartials > 0 && count("answer:") >= cancelAfterPartials) {
                context.streamingHandle().cancel();
                assertTrue(context.streamingHandle().isCancelled());
            }
        }

        @Override
        public void onPartialThinking(PartialThinking partial, PartialThinkingContext context) {
            events.add("thinking:" + partial.text());
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall call) {
            events.add("call:" + call.index() + ":" + call.toolExecutionRequest().id() + ":"
                    + call.toolExecutionRequest().name() + call.toolExecutionRequest().arguments());
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            events.add("complete");
            done.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            events.add("error:" + error.getMessage());
            done.completeExceptionally(error);
        }

        long count(String kind) {
            return events.stream().filter(e -> e.startsWith(kind)).count();
        }

        String text(String kind) {
            StringBuilder sb = new StringBuilder();
            for (String e : events) if (e.startsWith(kind)) sb.append(e.substring(kind.length()));
            return sb.toString();
        }
    }

    private static Lfm4jStreamingChatModel scripted(TestModel.Script script) {
        return Lfm4jStreamingChatModel.builder().model(TestModel.shared())
                .generationOptions(GenerationOptions.greedy().withSelector(script)).build();
    }

    @Test
    void streamsThinkingThenCallsThenAnswerWithTheResponsesIds() throws Exception {
        TestModel.Script script = new TestModel.Script(TestModel.shared(), (p, g) ->
                "<think>Let me look.</think>Checking.<|tool_call_start|>[get_weather(city=\"Paris\"), get_time(zone=\"CET\")]"
                        + "<|tool_call_end|>");
        Recorder rec = new Recorder();
        scripted(script).chat(ChatRequest.builder().messages(UserMessage.from("Weather and time?")).build(), rec);
        ChatResponse r = rec.done.get(30, TimeUnit.SECONDS);

        assertEquals("Let me look.", rec.text("thinking:"));
        assertEquals("Checking.", rec.text("answer:"));
        assertEquals("Let me look.", r.aiMessage().thinking());
        assertEquals("Checking.", r.aiMessage().text());
        assertEquals(FinishReason.TOOL_EXECUTION, r.finishReason());
        List<String> calls = rec.events.stream().filter(e -> e.startsWith("call:")).toList();
        var requests = r.aiMessage().toolExecutionRequests();
        assertEquals(List.of("call:0:" + requests.get(0).id() + ":get_weather{\"city\":\"Paris\"}",
                "call:1:" + requests.get(1).id() + ":get_time{\"zone\":\"CET\"}"), calls);
        // order: all thinking, then the answer text, then the calls, then the end
        List<String> kinds = new ArrayList<>();
        for (String e : rec.events) {
            String k = e.substring(0, e.indexOf(':') < 0 ? e.length() : e.indexOf(':'));
            if (kinds.isEmpty() || !kinds.getLast().equals(k)) kinds.add(k);
        }
        assertEquals(List.of("thinking", "answer", "call", "complete"), kinds);
    }

    @Test
    void cancellingStopsTheGenerationAndNothingFollows() throws Exception {
        TestModel.Script words = new TestModel.Script(TestModel.shared(), (p, g) -> "word ".repeat(200));
        TestModel.Script slow = new TestModel.Script(TestModel.shared(), (p, g) -> {
            LockSupport.parkNanos(2_000_000L);
            return "word ".repeat(200);
        });
        Recorder rec = new Recorder();
        rec.cancelAfterPartials = 3;
        scripted(slow).chat(ChatRequest.builder().messages(UserMessage.from("Talk")).build(), rec);
        // the generation ends shortly after the cancel: the script is asked for no more tokens
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (rec.count("answer:") < 3 && System.nanoTime() < deadline) Thread.sleep(5);
        int atCancel = slow.steps.get();
        Thread.sleep(300);
        int later = slow.steps.get();
        assertTrue(later - atCancel <= 1, "generation went on after the cancel: " + atCancel + " -> " + later);
        assertTrue(later < 50, "steps " + later);
        assertEquals(3, rec.count("answer:"));
        assertFalse(rec.done.isDone(), "no complete response (nor error) after a cancel: " + rec.events);

        // the model is fine afterwards
        Recorder next = new Recorder();
        scripted(words).chat(ChatRequest.builder().messages(UserMessage.from("Talk")).maxOutputTokens(5).build(), next);
        assertEquals(FinishReason.LENGTH, next.done.get(30, TimeUnit.SECONDS).finishReason());
    }

    @Test
    void mappingErrorsThrowAndGenerationErrorsGoToOnError() throws Exception {
        TestModel.Script script = new TestModel.Script(TestModel.shared(), (p, g) -> "ok");
        Recorder rec = new Recorder();
        assertThrows(UnsupportedFeatureException.class, () -> scripted(script).chat(ChatRequest.builder()
                .messages(UserMessage.from("x")).frequencyPenalty(0.5).build(), rec));
        assertTrue(rec.events.isEmpty());

        // a conversation longer than the context fails while generating: onError, one line
        Recorder tooLong = new Recorder();
        scripted(script).chat(ChatRequest.builder().messages(UserMessage.from("word ".repeat(2 * TestModel.CONTEXT))).build(),
                tooLong);
        Exception e = assertThrows(Exception.class, () -> tooLong.done.get(30, TimeUnit.SECONDS));
        IllegalArgumentException cause = assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertFalse(cause.getMessage().contains("\n"), cause.getMessage());
        assertEquals(List.of("error:" + cause.getMessage()), tooLong.events);
    }

    @Test
    void oneLoadedModelServesManyChatModelsOnManyThreads() throws Exception {
        LanguageModel shared = TestModel.shared();
        TestModel.Script echo = new TestModel.Script(shared, (prompt, g) -> {
            int at = prompt.lastIndexOf("<|im_start|>user\n") + "<|im_start|>user\n".length();
            return "You said " + prompt.substring(at, prompt.indexOf("<|im_end|>", at));
        });
        GenerationOptions options = GenerationOptions.greedy().withSelector(echo);
        try (Lfm4jChatModel a = Lfm4jChatModel.builder().model(shared).generationOptions(options).build();
             Lfm4jStreamingChatModel b = Lfm4jStreamingChatModel.builder().model(shared).generationOptions(options).build();
             ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String q = "question " + i;
                boolean streaming = i % 2 == 1;
                answers.add(pool.submit(() -> {
                    if (!streaming) return a.chat(q);
                    Recorder rec = new Recorder();
                    b.chat(q, rec);
                    return rec.done.get(60, TimeUnit.SECONDS).aiMessage().text();
                }));
            }
            for (int i = 0; i < 8; i++) assertEquals("You said question " + i, answers.get(i).get(60, TimeUnit.SECONDS));
        }
        // a chat model given a loaded model does not close it
        assertEquals("You said still open", Lfm4jChatModel.builder().model(shared).generationOptions(options).build()
                .chat("still open"));
    }
}
