package io.github.lfm4j.runner.generation;

import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolCallFormatter;
import io.github.lfm4j.model.chat.tools.ToolCallParseError;
import io.github.lfm4j.model.chat.tools.ToolCallParseResult;
import io.github.lfm4j.model.chat.tools.ToolCallParser;

import java.util.ArrayList;
import java.util.List;

/**
 * Takes tool-call blocks ({@code <|tool_call_start|>…<|tool_call_end|>}) out of streamed answer text: text outside
 * blocks passes through (minus anything that might still become a block start), each block is parsed by
 * {@link ToolCallParser} as soon as it closes. A block the stream ends inside is parsed at {@link #finish()} (and
 * accepted if it is complete, as the parser does).
 */
public final class ToolCallStream {
    private static final String START = ToolCallFormatter.CALL_START, END = ToolCallFormatter.CALL_END;

    /** What one delta released: answer text and the calls completed by it. */
    public record Output(String content, List<ToolCall> calls) {}

    private final StringBuilder pending = new StringBuilder();
    private boolean inBlock;
    private final List<ToolCall> calls = new ArrayList<>();
    private final List<ToolCallParseError> errors = new ArrayList<>();

    public Output accept(String delta) {
        pending.append(delta);
        StringBuilder content = new StringBuilder();
        List<ToolCall> completed = new ArrayList<>();
        while (true) {
            if (!inBlock) {
                int start = pending.indexOf(START);
                if (start < 0) {
                    int keep = heldPrefixLength();
                    content.append(pending, 0, pending.length() - keep);
                    pending.delete(0, pending.length() - keep);
                    break;
                }
                content.append(pending, 0, start);
                pending.delete(0, start + START.length());
                inBlock = true;
            } else {
                int end = pending.indexOf(END);
                if (end < 0) break;
                completed.addAll(parse(pending.substring(0, end) + END));
                pending.delete(0, end + END.length());
                inBlock = false;
            }
        }
        return new Output(content.toString(), completed);
    }

    /** The end of the stream. */
    public Output finish() {
        String rest = pending.toString();
        pending.setLength(0);
        if (!inBlock) return new Output(rest, List.of());
        inBlock = false;
        return new Output("", parse(rest));
    }

    /** Every call parsed so far. */
    public List<ToolCall> calls() {
        return List.copyOf(calls);
    }

    /** Every block that failed to parse so far. */
    public List<ToolCallParseError> errors() {
        return List.copyOf(errors);
    }

    private List<ToolCall> parse(String bodyAndEnd) {
        ToolCallParseResult r = ToolCallParser.parse(START + bodyAndEnd);
        calls.addAll(r.calls());
        errors.addAll(r.errors());
        return r.calls();
    }

    /** Length of the longest end of the pending text that is a proper prefix of the block start. */
    private int heldPrefixLength() {
        int n = pending.length();
        for (int k = Math.min(n, START.length() - 1); k > 0; k--) {
            if (pending.indexOf(START.substring(0, k), n - k) == n - k) return k;
        }
        return 0;
    }
}
