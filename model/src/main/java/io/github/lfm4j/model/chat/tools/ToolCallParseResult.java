package io.github.lfm4j.model.chat.tools;

import java.util.List;

/**
 * The model's answer split into prose and tool calls.
 *
 * @param content the text outside tool-call blocks, concatenated as written
 * @param calls the calls from every block that parsed, in order
 * @param errors one entry per block that did not parse (its calls are not in {@code calls})
 */
public record ToolCallParseResult(String content, List<ToolCall> calls, List<ToolCallParseError> errors) {
    public ToolCallParseResult {
        calls = List.copyOf(calls);
        errors = List.copyOf(errors);
    }

    public boolean hasCalls() {
        return !calls.isEmpty();
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }
}
