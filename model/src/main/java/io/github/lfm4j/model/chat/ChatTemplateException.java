package io.github.lfm4j.model.chat;

/** A conversation could not be rendered into a prompt; the message is one line, fit for {@code lfm4j: ...}. */
public final class ChatTemplateException extends RuntimeException {
    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
