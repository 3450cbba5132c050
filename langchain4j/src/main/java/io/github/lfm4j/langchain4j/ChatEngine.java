package io.github.lfm4j.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolCallParseError;
import io.github.lfm4j.model.chat.tools.ToolDefinition;
import io.github.lfm4j.runner.api.GenerationListener;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.GenerationResult;
import io.github.lfm4j.runner.api.LanguageModel;
import io.github.lfm4j.runner.server.ToolCallForcing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * What both chat models share: the model, the request mapping, one generation and the response mapping.
 *
 * <p>Each request is a stateless {@link LanguageModel#chatCompletion} over the whole message list, as LangChain4j
 * sends it. The model keeps a small pool of engine sessions and gives each call the one whose cached tokens share
 * the longest prefix with the new prompt, so a conversation that grows by a turn (a chat memory, a tool-calling
 * round trip) prefills only the new turn: {@link Lfm4jTokenUsage#cachedInputTokenCount()} says how much was reused.
 */
final class ChatEngine implements AutoCloseable {
    /** AiMessage attribute: what the thinking supervisor did (thinking budget reached, loop closed), when it did. */
    static final String INTERVENTION = "lfm4j.intervention";
    /** AiMessage attribute: tool-call blocks the model wrote that could not be parsed (list of one-line messages). */
    static final String TOOL_CALL_ERRORS = "lfm4j.toolCallErrors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LanguageModel model;
    private final boolean owned;
    private final Supplier<GenerationOptions> baseOptions;

    ChatEngine(LanguageModel model, boolean owned, Supplier<GenerationOptions> baseOptions) {
        this.model = model;
        this.owned = owned;
        this.baseOptions = baseOptions;
    }

    LanguageModel model() {
        return model;
    }

    /** A request as lfm4j's messages, tools and options; every mapping error is thrown here, before generating. */
    record Prepared(List<ChatMessage> messages, List<ToolDefinition> tools, GenerationOptions options) {}

    Prepared prepare(ChatRequest request) {
        List<ChatMessage> messages = MessageMapper.toLfm4j(request.messages());
        ToolChoice choice = request.toolChoice();
        List<ToolDefinition> tools = ToolMapper.toLfm4j(request.toolSpecifications());
        GenerationOptions options = ParameterMapper.apply(request.parameters(), baseOptions.get());
        if (choice == ToolChoice.REQUIRED) {
            if (tools.isEmpty()) throw new IllegalArgumentException("toolChoice is REQUIRED but no toolSpecifications are given");
            options = ToolCallForcing.apply(options, model.tokenizer());
        } else if (choice == ToolChoice.NONE) {
            tools = List.of(); // as the server's tool_choice "none": the model is not told about them
        }
        return new Prepared(messages, tools, options);
    }

    GenerationResult generate(Prepared p, GenerationListener listener) {
        return model.chatCompletion(p.messages(), p.tools(), p.options(), listener);
    }

    /** OpenAI-looking call ids ({@code call_} and 24 letters and digits): LFM2 tool calls carry none of their own. */
    static String newToolCallId() {
        String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder sb = new StringBuilder("call_");
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 24; i++) sb.append(chars.charAt(r.nextInt(chars.length())));
        return sb.toString();
    }

    static ToolExecutionRequest toRequest(ToolCall call, String id) {
        try {
            return ToolExecutionRequest.builder().id(id).name(call.name())
                    .arguments(JSON.writeValueAsString(call.arguments())).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the arguments of tool call " + call.name(), e);
        }
    }

    /**
     * The result as LangChain4j's response.
     *
     * @param ids the tool-call ids already handed out while streaming (by index), or fewer: the rest are made here
     */
    ChatResponse toResponse(GenerationResult r, List<String> ids) {
        List<ToolExecutionRequest> requests = new ArrayList<>();
        for (int i = 0; i < r.toolCalls().size(); i++) {
            requests.add(toRequest(r.toolCalls().get(i), i < ids.size() ? ids.get(i) : newToolCallId()));
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (!r.intervention().isEmpty()) attributes.put(INTERVENTION, r.intervention());
        if (!r.toolCallErrors().isEmpty()) {
            attributes.put(TOOL_CALL_ERRORS, r.toolCallErrors().stream().map(ToolCallParseError::toString).toList());
        }
        AiMessage message = AiMessage.builder()
                // LangChain4j's convention: a message that only calls tools has no text
                .text(r.content().isEmpty() && !requests.isEmpty() ? null : r.content())
                .thinking(r.reasoning().isEmpty() ? null : r.reasoning())
                .toolExecutionRequests(requests)
                .attributes(attributes)
                .build();
        ChatResponseMetadata metadata = ChatResponseMetadata.builder()
                .id("lfm4j-" + newToolCallId().substring(5))
                .modelName(modelName())
                .tokenUsage(Lfm4jTokenUsage.from(r.usage()))
                .finishReason(finishReason(r))
                .build();
        return ChatResponse.builder().aiMessage(message).metadata(metadata).build();
    }

    static FinishReason finishReason(GenerationResult r) {
        return switch (r.finishReason()) {
            case STOP -> FinishReason.STOP;
            case LENGTH -> FinishReason.LENGTH;
            case TOOL_CALLS -> FinishReason.TOOL_EXECUTION;
            case LOOP, CANCELLED -> FinishReason.OTHER;
        };
    }

    String modelName() {
        String name = model.name();
        return name.isEmpty() ? "lfm4j" : name;
    }

    /** Frees the model when this chat model loaded it; a shared one is the caller's to close. */
    @Override
    public void close() {
        if (owned) model.close();
    }
}
