package io.github.lfm4j.model.gguf;

/**
 * A GGUF file that cannot be used, with a message meant to be shown to a user as one line
 * (the CLI prints {@code getMessage()} and exits non-zero, never a stack trace).
 */
public class GGUFFormatException extends RuntimeException {
    public GGUFFormatException(String message) {
        super(message);
    }
}
