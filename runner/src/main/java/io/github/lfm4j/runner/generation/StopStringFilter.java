package io.github.lfm4j.runner.generation;

import java.util.List;

/**
 * Finds stop strings in streamed text without ever letting part of one through: text that could still turn out to
 * be the beginning of a stop string is held back until the next delta decides it. Once a stop string is complete,
 * the text before it is released and everything from it on is dropped.
 */
public final class StopStringFilter {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private String matched;

    public StopStringFilter(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /** Adds a delta; returns the text that can no longer be part of a stop string (possibly empty). */
    public String accept(String delta) {
        if (matched != null) return "";
        if (stops.isEmpty()) return delta;
        held.append(delta);
        int first = -1;
        String which = null;
        for (String s : stops) {
            int i = held.indexOf(s);
            if (i >= 0 && (first < 0 || i < first)) {
                first = i;
                which = s;
            }
        }
        if (first >= 0) {
            matched = which;
            String out = held.substring(0, first);
            held.setLength(0);
            return out;
        }
        int keep = longestSuffixThatStartsAStop();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** The end of the stream: releases what was held back (unless a stop string ended it). */
    public String finish() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    /** The stop string that was generated, or null. */
    public String matched() {
        return matched;
    }

    private int longestSuffixThatStartsAStop() {
        int n = held.length(), best = 0;
        for (String s : stops) {
            for (int k = Math.min(n, s.length() - 1); k > best; k--) {
                if (held.indexOf(s.substring(0, k), n - k) == n - k) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }
}
