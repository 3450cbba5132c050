package io.github.lfm4j.runner.hub;

/** A download that failed (network, HTTP status, verification, cache): the message is one line for the user. */
public final class HubException extends IllegalStateException {
    private final boolean unreachable;

    public HubException(String message) {
        this(message, false);
    }

    HubException(String message, boolean unreachable) {
        super(message);
        this.unreachable = unreachable;
    }

    /** True when the Hub could not be reached at all (no connection), as opposed to an answer that was an error. */
    public boolean unreachable() {
        return unreachable;
    }
}
