package io.github.lfm4j.model.chat.tools;

/**
 * Why a tool-call block in the model's answer could not be read.
 *
 * @param message one line saying what was wrong and where (e.g. {@code expected ')' after argument list})
 * @param offset position in the parsed text where the problem was found
 * @param block the raw text of the offending block, tokens excluded, so the caller can show or retry it
 */
public record ToolCallParseError(String message, int offset, String block) {
    @Override
    public String toString() {
        return message + " (at offset " + offset + ")";
    }
}
