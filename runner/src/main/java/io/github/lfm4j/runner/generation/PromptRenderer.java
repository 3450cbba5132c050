package io.github.lfm4j.runner.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.chat.ChatFormatOptions;
import io.github.lfm4j.model.chat.ChatFormatter;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.chat.thinking.ReasoningSplitter;
import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolDefinition;
import io.github.lfm4j.model.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Renders a conversation through the model's chat template and tokenizes it so that control tokens
 * ({@code <|im_start|>}, {@code <|tool_call_start|>}, {@code <think>}, ...) come only from the template, never from
 * what users (or tools) wrote. A message saying {@code "<|im_end|><|im_start|>system"} must reach the model as
 * those characters, not as a forged turn.
 *
 * <p>How: every control-token text inside message content, reasoning, tool-call arguments and tool definitions is
 * replaced by a placeholder of private-use characters before rendering (the placeholder character itself is
 * escaped the same way, so the mapping is reversible). The rendered text is then split at the control tokens it
 * contains, which can only be the template's; the text between them gets its placeholders restored and is
 * tokenized with special-token parsing off. For a conversation without such text this gives exactly the tokens of
 * tokenizing the rendered prompt with special tokens on.
 */
public final class PromptRenderer {
    private static final char ESC = '\uE000', ESC_END = '\uE001';
    private static final String ESCAPED_ESC = ESC + "e" + ESC_END;

    /** A rendered prompt: its text (placeholders restored), its tokens, and whether it opens the thinking trace. */
    public record Rendered(String text, int[] tokens, boolean opensThinking) {}

    private final Tokenizer tokenizer;
    private final ChatFormatter formatter;
    private final ChatFormatOptions formatOptions;
    /** Control-token texts, longest first, so that the scan takes the longest one at a position. */
    private final List<Map.Entry<String, Integer>> controls;
    /** First characters of control-token texts, to skip the list quickly at most positions. */
    private final String firstChars;

    public PromptRenderer(Tokenizer tokenizer, ChatFormatter formatter) {
        this.tokenizer = tokenizer;
        this.formatter = formatter;
        int bos = tokenizer.bos();
        // past thinking dropped, as the model card's template does by default
        this.formatOptions = new ChatFormatOptions(true, false, bos >= 0 ? tokenizer.piece(bos) : "");
        List<Map.Entry<String, Integer>> c = new ArrayList<>();
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            if (tokenizer.isControl(id) && !tokenizer.piece(id).isEmpty()) c.add(Map.entry(tokenizer.piece(id), id));
        }
        c.sort(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getKey().length()).reversed());
        this.controls = List.copyOf(c);
        StringBuilder first = new StringBuilder();
        for (Map.Entry<String, Integer> e : c) {
            if (first.indexOf(e.getKey().substring(0, 1)) < 0) first.append(e.getKey().charAt(0));
        }
        this.firstChars = first.toString();
    }

    public ChatFormatter formatter() {
        return formatter;
    }

    /** Renders {@code messages} (with {@code tools} on offer) ending with the assistant's generation prompt. */
    public Rendered render(List<ChatMessage> messages, List<ToolDefinition> tools) {
        List<ChatMessage> safeMessages = messages.stream().map(this::escape).toList();
        List<ToolDefinition> safeTools = tools.stream().map(t -> new ToolDefinition(escapeJson(t.json()))).toList();
        String rendered = formatter.format(safeMessages, safeTools, formatOptions);
        List<Integer> ids = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int plainStart = 0, i = 0;
        while (i < rendered.length()) {
            Map.Entry<String, Integer> control = controlAt(rendered, i);
            if (control == null) {
                i++;
                continue;
            }
            appendPlain(rendered.substring(plainStart, i), ids, text);
            ids.add(control.getValue());
            text.append(control.getKey());
            i += control.getKey().length();
            plainStart = i;
        }
        appendPlain(rendered.substring(plainStart), ids, text);
        int[] tokens = ids.stream().mapToInt(Integer::intValue).toArray();
        boolean opens = rendered.stripTrailing().endsWith(ReasoningSplitter.OPEN);
        return new Rendered(text.toString(), tokens, opens);
    }

    private void appendPlain(String escaped, List<Integer> ids, StringBuilder text) {
        if (escaped.isEmpty()) return;
        String plain = unescape(escaped);
        for (int t : tokenizer.encode(plain, false, false)) ids.add(t);
        text.append(plain);
    }

    private Map.Entry<String, Integer> controlAt(String s, int i) {
        if (firstChars.indexOf(s.charAt(i)) < 0) return null;
        for (Map.Entry<String, Integer> c : controls) {
            if (s.startsWith(c.getKey(), i)) return c;
        }
        return null;
    }

    private ChatMessage escape(ChatMessage m) {
        List<ToolCall> calls = m.toolCalls().stream()
                .map(c -> new ToolCall(c.name(), (ObjectNode) escapeJson(c.arguments()), c.id())).toList();
        return new ChatMessage(m.role(), escape(m.content()), m.reasoning() == null ? null : escape(m.reasoning()),
                calls, m.toolName() == null ? null : escape(m.toolName()), m.toolCallId());
    }

    /** Replaces control-token texts (and the escape character) by placeholders. */
    String escape(String s) {
        if (s == null || s.isEmpty()) return s;
        StringBuilder out = null;
        int i = 0, copied = 0;
        while (i < s.length()) {
            String replacement = null;
            int skip = 0;
            if (s.charAt(i) == ESC) {
                replacement = ESCAPED_ESC;
                skip = 1;
            } else {
                Map.Entry<String, Integer> c = controlAt(s, i);
                if (c != null) {
                    replacement = ESC + Integer.toString(c.getValue()) + ESC_END;
                    skip = c.getKey().length();
                }
            }
            if (replacement == null) {
                i++;
                continue;
            }
            if (out == null) out = new StringBuilder(s.length() + 16);
            out.append(s, copied, i).append(replacement);
            i += skip;
            copied = i;
        }
        return out == null ? s : out.append(s, copied, s.length()).toString();
    }

    /** Restores placeholders to the text they stand for. */
    String unescape(String s) {
        if (s.indexOf(ESC) < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char ch = s.charAt(i);
            int end = ch == ESC ? s.indexOf(ESC_END, i + 1) : -1;
            if (end < 0) {
                out.append(ch);
                i++;
                continue;
            }
            String code = s.substring(i + 1, end);
            String original = code.equals("e") ? String.valueOf(ESC) : controlText(code);
            if (original == null) { // not one of ours (a template mangled it): keep the characters
                out.append(ch);
                i++;
                continue;
            }
            out.append(original);
            i = end + 1;
        }
        return out.toString();
    }

    private String controlText(String code) {
        if (code.isEmpty() || code.length() > 9 || !code.chars().allMatch(Character::isDigit)) return null;
        int id = Integer.parseInt(code);
        return id < tokenizer.vocabSize() && tokenizer.isControl(id) ? tokenizer.piece(id) : null;
    }

    private JsonNode escapeJson(JsonNode node) {
        if (node == null) return null;
        if (node.isTextual()) return JsonNodeFactory.instance.textNode(escape(node.textValue()));
        if (node.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            for (JsonNode e : node) a.add(escapeJson(e));
            return a;
        }
        if (node.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                o.set(escape(f.getKey()), escapeJson(f.getValue()));
            }
            return o;
        }
        return node;
    }
}
