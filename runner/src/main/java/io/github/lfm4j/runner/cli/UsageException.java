package io.github.lfm4j.runner.cli;

/**
 * A command line that lacks what it needs in a way picocli cannot see by itself (e.g. neither {@code -m} nor
 * {@code -hf}): reported like picocli's own parse errors, one line and exit code {@link Lfm4jCli#USAGE_ERROR}.
 */
final class UsageException extends IllegalArgumentException {
    UsageException(String message) {
        super(message);
    }
}
