package io.github.lfm4j.model.chat.jinja;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.github.lfm4j.model.chat.ChatFormatOptions;
import io.github.lfm4j.model.chat.ChatFormatter;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.chat.ChatRole;
import io.github.lfm4j.model.chat.ChatTemplateException;
import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;

/**
 * Renders a Hugging Face chat template (the {@code tokenizer.chat_template} text a GGUF embeds) with jinjava,
 * made to behave like Python's Jinja where templates rely on it: Python string/dict methods, {@code tojson} as
 * {@code json.dumps}, {@code trim}/{@code string} with Python semantics, {@code raise_exception} and
 * {@code strftime_now}, and the {@code generation} block. ({@code namespace()}, slicing and {@code loop.last} work
 * in jinjava as is.) Known gaps, none used by Liquid's templates: jinjava binds {@code not} tighter than
 * comparisons ({@code not a == b} fails; {@code not (a == b)} works), prints booleans and None as
 * {@code true}/empty rather than {@code True}/{@code None}, and renders an unknown filter as empty instead of
 * failing.
 *
 * <p>Messages reach the template as OpenAI-style dicts. Templates that read {@code message.tool_calls} or
 * {@code message.thinking} get those fields; for templates that do not (LFM2, early LFM2.5), tool calls and
 * reasoning are written into {@code content} in the model's own notation, exactly as the model produced them.
 */
public final class JinjaChatTemplate implements ChatFormatter {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long MAX_TEXT = 32L << 20;
    private static final String RESOURCE_DIR = "/io/github/lfm4j/model/chat/";

    private final String source;
    private final boolean readsToolCalls;
    private final boolean readsThinking;
    private final Jinjava jinjava;

    public JinjaChatTemplate(String source) {
        if (source == null || source.isBlank()) throw new ChatTemplateException("chat template is empty");
        this.source = source;
        this.readsToolCalls = source.contains("tool_calls");
        this.readsThinking = source.contains(".thinking") || source.contains("['thinking']") || source.contains("[\"thinking\"]");
        this.jinjava = newEngine();
    }

    /** Liquid's LFM2.5 template (LFM2.5-1.2B-Thinking), shipped as a resource. */
    public static JinjaChatTemplate lfm25() {
        return new JinjaChatTemplate(resource("lfm2.5-thinking.chat_template.jinja"));
    }

    /** The later Hub revision of Liquid's LFM2.5 template (date line, structured tool calls), shipped as a resource. */
    public static JinjaChatTemplate lfm25Hub() {
        return new JinjaChatTemplate(resource("lfm2.5-hub.chat_template.jinja"));
    }

    /** Liquid's first-generation LFM2 template, shipped as a resource. */
    public static JinjaChatTemplate lfm2() {
        return new JinjaChatTemplate(resource("lfm2.chat_template.jinja"));
    }

    /** Text of a template shipped under {@code resources/io/github/lfm4j/model/chat/}. */
    public static String resource(String name) {
        try (InputStream in = JinjaChatTemplate.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) throw new ChatTemplateException("no bundled chat template named " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ChatTemplateException("cannot read bundled chat template " + name + ": " + e.getMessage(), e);
        }
    }

    public String source() {
        return source;
    }

    @Override
    public String format(List<ChatMessage> messages, List<ToolDefinition> tools, ChatFormatOptions options) {
        if (messages.isEmpty()) throw new ChatTemplateException("cannot format an empty conversation");
        Map<String, Object> ctx = new HashMap<>();
        List<Object> msgs = new ArrayList<>();
        for (ChatMessage m : messages) msgs.add(toTemplateMessage(m));
        ctx.put("messages", msgs);
        List<Object> toolList = new ArrayList<>();
        for (ToolDefinition t : tools) toolList.add(toPlain(t.json()));
        // HF passes tools=None when there are none; an empty list is just as false in `{% if tools %}`.
        ctx.put("tools", tools.isEmpty() ? null : toolList);
        ctx.put("add_generation_prompt", options.addGenerationPrompt());
        ctx.put("keep_past_thinking", options.keepPastThinking());
        ctx.put("bos_token", options.bosToken());
        ctx.put("eos_token", "<|im_end|>");
        ctx.put(TemplateFunctions.NOW_VARIABLE, options.today() != null
                ? options.today().atStartOfDay(java.time.ZoneId.systemDefault())
                : java.time.ZonedDateTime.now());

        RenderResult result;
        try {
            result = jinjava.renderForResult(source, ctx);
        } catch (TemplateFunctions.TemplateRaisedException e) {
            throw new ChatTemplateException("chat template refused the conversation: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ChatTemplateException("chat template failed: " + oneLine(e.getMessage()), e);
        }
        for (TemplateError err : result.getErrors()) {
            if (err.getSeverity() != TemplateError.ErrorType.FATAL) continue;
            Throwable cause = err.getException();
            while (cause != null && !(cause instanceof TemplateFunctions.TemplateRaisedException)) cause = cause.getCause();
            if (cause != null) {
                throw new ChatTemplateException("chat template refused the conversation: " + cause.getMessage());
            }
            String where = err.getLineno() > 0 ? " (template line " + err.getLineno() + ")" : "";
            throw new ChatTemplateException("chat template failed" + where + ": " + oneLine(err.getMessage()));
        }
        return result.getOutput();
    }

    private Map<String, Object> toTemplateMessage(ChatMessage m) {
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("role", m.role().wireName());
        if (m.role() != ChatRole.ASSISTANT) {
            msg.put("content", m.content());
        } else {
            StringBuilder content = new StringBuilder();
            if (m.reasoning() != null) {
                if (readsThinking) msg.put("thinking", m.reasoning());
                else content.append("<think>").append(m.reasoning()).append("</think>");
            }
            if (!m.toolCalls().isEmpty()) {
                if (readsToolCalls) msg.put("tool_calls", toTemplateToolCalls(m.toolCalls()));
                else content.append(io.github.lfm4j.model.chat.tools.ToolCallFormatter.format(m.toolCalls()));
            }
            msg.put("content", content.append(m.content()).toString());
        }
        if (m.toolName() != null) msg.put("name", m.toolName());
        if (m.toolCallId() != null) msg.put("tool_call_id", m.toolCallId());
        return msg;
    }

    private static List<Object> toTemplateToolCalls(List<ToolCall> calls) {
        List<Object> out = new ArrayList<>();
        for (ToolCall c : calls) {
            Map<String, Object> fn = new LinkedHashMap<>();
            fn.put("name", c.name());
            fn.put("arguments", toPlain(c.arguments()));
            Map<String, Object> call = new LinkedHashMap<>();
            if (c.id() != null) call.put("id", c.id());
            call.put("type", "function");
            call.put("function", fn);
            out.add(call);
        }
        return out;
    }

    // Plain maps/lists keep key order (LinkedHashMap) and give templates Python-like values.
    private static Object toPlain(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), toPlain(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(toPlain(n)));
            return list;
        }
        if (node.isTextual()) return node.textValue();
        if (node.isBoolean()) return node.booleanValue();
        if (node.isIntegralNumber()) return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        if (node.isNumber()) return node.doubleValue();
        return MAPPER.convertValue(node, Object.class);
    }

    private static Jinjava newEngine() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonMethodResolver());
        resolver.add(JinjavaConfig.newBuilder().build().getElResolver());
        Jinjava j = new Jinjava(JinjavaConfig.newBuilder()
                .withFailOnUnknownTokens(false)
                // A template comes from the model file: bound what it can build so a hostile one fails, not OOMs.
                .withMaxOutputSize(MAX_TEXT)
                .withMaxStringLength(MAX_TEXT)
                .withElResolver(resolver)
                // Python Jinja behaviour: `for k in dict` yields keys, lists/dicts print as Python literals.
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withIterateOverMapKeys(true)
                        .withUsePyishObjectMapper(true)
                        .build())
                .build());
        for (Filter f : PythonFilters.all()) j.getGlobalContext().registerFilter(f);
        j.getGlobalContext().registerTag(new GenerationTag());
        try {
            j.getGlobalContext().registerFunction(new ELFunctionDefinition(
                    "", "raise_exception", TemplateFunctions.class, "raiseException", Object.class));
            j.getGlobalContext().registerFunction(new ELFunctionDefinition(
                    "", "strftime_now", TemplateFunctions.class, "strftimeNow", String.class));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot register chat template functions", e);
        }
        return j;
    }

    private static String oneLine(String s) {
        if (s == null) return "unknown error";
        return s.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
