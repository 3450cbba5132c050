package io.github.lfm4j.model.hf;

/** A Hugging Face checkpoint that cannot be read: the message is one line naming the file and the problem. */
public final class CheckpointException extends IllegalArgumentException {
    public CheckpointException(String message) {
        super(message);
    }
}
