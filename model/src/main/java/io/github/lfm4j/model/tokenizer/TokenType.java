package io.github.lfm4j.model.tokenizer;

/**
 * The per-token type stored in {@code tokenizer.ggml.token_type} (llama.cpp's {@code llama_token_type}). Only
 * {@link #CONTROL}, {@link #UNKNOWN} and {@link #USER_DEFINED} tokens are matched as whole strings in text; the
 * rest are reached through BPE merges.
 */
public enum TokenType {
    UNDEFINED(0), NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

    public final int id;

    TokenType(int id) {
        this.id = id;
    }

    /** The type for a stored value; values outside 0..6 read as {@link #UNDEFINED}, as llama.cpp does. */
    public static TokenType fromId(int id) {
        return id >= 1 && id <= 6 ? values()[id] : UNDEFINED;
    }
}
