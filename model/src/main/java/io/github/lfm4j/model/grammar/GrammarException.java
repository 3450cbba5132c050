package io.github.lfm4j.model.grammar;

/** A grammar or JSON schema that cannot be used: the message is one line naming the problem (and where). */
public final class GrammarException extends IllegalArgumentException {
    public GrammarException(String message) {
        super(message);
    }
}
