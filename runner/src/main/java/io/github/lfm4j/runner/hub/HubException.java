package io.github.lfm4j.runner.hub;

/** A download that failed (network, HTTP status, verification, cache): the message is one line for the user. */
public final class HubException extends IllegalStateException {
    public HubException(String message) {
        super(message);
    }
}
