package io.github.lfm4j.model.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolDefinition;
import java.util.List;

/**
 * LFM2/LFM2.5 ChatML prompts in plain Java, byte-identical to Liquid AI's Jinja templates (the copies under
 * {@code resources/io/github/lfm4j/model/chat/}; tests render both and compare). Used when a GGUF carries no
 * template, and as the fast path that needs no template engine.
 *
 * <pre>
 * &lt;|startoftext|&gt;&lt;|im_start|&gt;system
 * You are helpful.
 * List of tools: [{"name": "get_weather", ...}]&lt;|im_end|&gt;
 * &lt;|im_start|&gt;user
 * Weather in Paris?&lt;|im_end|&gt;
 * &lt;|im_start|&gt;assistant
 * </pre>
 */
public final class Lfm2ChatFormatter implements ChatFormatter {
    private static final String IM_START = "<|im_start|>";
    private static final String IM_END = "<|im_end|>\n";
    private static final String THINK_END = "</think>";

    /** Which template generation to reproduce. */
    public enum Variant {
        /** LFM2.5 (incl. LFM2.5-1.2B-Thinking): plain tool list, plain tool turns, past thinking dropped. */
        LFM2_5,
        /** First LFM2 release: tool list and tool results wrapped in their special tokens. */
        LFM2,
        /**
         * Later LFM2.5 revision on the Hugging Face Hub: a {@code Today's date:} line before the tool list, and
         * assistant reasoning / tool calls rendered from structured fields (reasoning only for the last
         * assistant turn unless past thinking is kept).
         */
        LFM2_5_HUB
    }

    private final Variant variant;

    public Lfm2ChatFormatter(Variant variant) {
        this.variant = variant;
    }

    /** The LFM2.5 layout, which LFM2.5-1.2B-Thinking was trained on. */
    public static Lfm2ChatFormatter lfm25() {
        return new Lfm2ChatFormatter(Variant.LFM2_5);
    }

    public Variant variant() {
        return variant;
    }

    @Override
    public String format(List<ChatMessage> messages, List<ToolDefinition> tools, ChatFormatOptions options) {
        if (messages.isEmpty()) throw new ChatTemplateException("cannot format an empty conversation");
        StringBuilder out = new StringBuilder(options.bosToken());

        String system = "";
        List<ChatMessage> turns = messages;
        if (messages.getFirst().role() == ChatRole.SYSTEM) {
            system = messages.getFirst().content();
            turns = messages.subList(1, messages.size());
        }
        if (!tools.isEmpty()) system = system + toolList(system.isEmpty(), tools, options);
        if (!system.isEmpty()) out.append(IM_START).append("system\n").append(system).append(IM_END);

        int lastAssistant = -1;
        for (int i = 0; i < turns.size(); i++) {
            if (turns.get(i).role() == ChatRole.ASSISTANT) lastAssistant = i;
        }
        for (int i = 0; i < turns.size(); i++) {
            ChatMessage m = turns.get(i);
            out.append(IM_START).append(m.role().wireName()).append('\n');
            boolean dropThinking = m.role() == ChatRole.ASSISTANT && !options.keepPastThinking() && i != lastAssistant;
            String content;
            if (variant == Variant.LFM2_5_HUB && m.role() == ChatRole.ASSISTANT) {
                if (m.reasoning() != null && !dropThinking) out.append("<think>").append(m.reasoning()).append("</think>");
                if (!m.toolCalls().isEmpty()) out.append(hubToolCalls(m.toolCalls()));
                content = m.content();
            } else {
                content = m.modelText();
            }
            if (variant != Variant.LFM2 && dropThinking && content.contains(THINK_END)) {
                // The template keeps what follows the last </think>, stripped like Python's str.strip().
                content = PythonStrings.strip(content.substring(content.lastIndexOf(THINK_END) + THINK_END.length()), null);
            }
            if (variant == Variant.LFM2 && m.role() == ChatRole.TOOL) {
                content = "<|tool_response_start|>" + content + "<|tool_response_end|>";
            }
            out.append(content).append(IM_END);
        }
        if (options.addGenerationPrompt()) out.append(IM_START).append("assistant\n");
        return out.toString();
    }

    private String toolList(boolean systemEmpty, List<ToolDefinition> tools, ChatFormatOptions options) {
        StringBuilder list = new StringBuilder();
        if (variant == Variant.LFM2_5_HUB) {
            list.append(systemEmpty ? "" : "\n\n").append("Today's date: ").append(options.effectiveToday()).append("\n\n");
        } else if (!systemEmpty) {
            list.append('\n');
        }
        list.append(variant == Variant.LFM2 ? "List of tools: <|tool_list_start|>[" : "List of tools: [");
        for (int i = 0; i < tools.size(); i++) {
            if (i > 0) list.append(", ");
            list.append(tools.get(i).toPromptJson());
        }
        list.append(variant == Variant.LFM2 ? "]<|tool_list_end|>" : "]");
        return list.toString();
    }

    // The Hub template's own rendering of structured calls: strings quoted without escaping, dicts as JSON,
    // everything else as Python's str() (so lists print as ['a', 1] and null as None).
    private static String hubToolCalls(List<ToolCall> calls) {
        StringBuilder out = new StringBuilder("<|tool_call_start|>[");
        for (int c = 0; c < calls.size(); c++) {
            if (c > 0) out.append(", ");
            ToolCall call = calls.get(c);
            out.append(call.name()).append('(');
            var it = call.arguments().fields();
            boolean first = true;
            while (it.hasNext()) {
                var arg = it.next();
                if (!first) out.append(", ");
                first = false;
                JsonNode v = arg.getValue();
                out.append(arg.getKey()).append('=');
                if (v.isTextual()) out.append('"').append(v.textValue()).append('"');
                else if (v.isObject()) out.append(PythonJson.dumps(v));
                else out.append(PythonJson.str(v));
            }
            out.append(')');
        }
        return out.append("]<|tool_call_end|>").toString();
    }
}
