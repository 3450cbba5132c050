package io.github.lfm4j.model.chat;

/** Who wrote a chat message; {@link #wireName()} is the word the ChatML prompt uses after {@code <|im_start|>}. */
public enum ChatRole {
    SYSTEM("system"),
    USER("user"),
    ASSISTANT("assistant"),
    TOOL("tool");

    private final String wireName;

    ChatRole(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The role for an OpenAI-style role string; a one-line error for anything else. */
    public static ChatRole fromWireName(String name) {
        for (ChatRole r : values()) {
            if (r.wireName.equals(name)) return r;
        }
        throw new IllegalArgumentException("unknown chat role '" + name + "' (expected system, user, assistant or tool)");
    }
}
