package io.github.lfm4j.model.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * GBNF for whole numbers in a range, as decimal digits without leading zeros: {@code [5, 123]} becomes
 * {@code [5-9] | [1-9] [0-9] | "1" ([0-1] [0-9] | "2" [0-3])}. Ranges are split by digit count, then by the
 * first digit where the bounds differ (the usual range-to-regex construction).
 */
final class NumberRanges {
    private NumberRanges() {}

    /** The largest magnitude the JSON grammars write: 16 digits, as llama.cpp's integral part. */
    static final long LIMIT = 9_999_999_999_999_999L;

    /** Integers in {@code [lo, hi]}, a minus sign for the negative ones; null when the range is empty. */
    static String integers(long lo, long hi) {
        if (lo > hi) return null;
        List<String> parts = new ArrayList<>();
        if (hi >= 0) parts.add(nonNegative(Math.max(lo, 0), hi));
        if (lo < 0) parts.add("\"-\" " + nonNegative(hi >= 0 ? 1 : -hi, -lo));
        return parts.size() == 1 ? parts.getFirst() : "(" + String.join(" | ", parts) + ")";
    }

    /** Non-negative integers in {@code [lo, hi]} ({@code 0 <= lo <= hi}). */
    static String nonNegative(long lo, long hi) {
        List<String> alts = new ArrayList<>();
        int from = Long.toString(lo).length(), to = Long.toString(hi).length();
        for (int d = from; d <= to; d++) {
            long min = Math.max(lo, d == 1 ? 0 : pow10(d - 1));
            long max = Math.min(hi, pow10(d) - 1);
            if (min <= max) alts.add(sameLength(Long.toString(min), Long.toString(max)));
        }
        return alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    private static String sameLength(String lo, String hi) {
        if (lo.isEmpty()) return "";
        if (lo.equals(hi)) return "\"" + lo + "\"";
        int k = lo.length() - 1;
        char a = lo.charAt(0), b = hi.charAt(0);
        String loRest = lo.substring(1), hiRest = hi.substring(1);
        if (a == b) return "\"" + a + "\" " + paren(sameLength(loRest, hiRest));
        boolean loZeros = loRest.chars().allMatch(c -> c == '0'), hiNines = hiRest.chars().allMatch(c -> c == '9');
        List<String> alts = new ArrayList<>();
        char start = loZeros ? a : (char) (a + 1), end = hiNines ? b : (char) (b - 1);
        if (!loZeros) alts.add("\"" + a + "\" " + paren(sameLength(loRest, "9".repeat(k))));
        if (start <= end) alts.add(("[" + start + "-" + end + "] " + digits(k)).trim());
        if (!hiNines) alts.add("\"" + b + "\" " + paren(sameLength("0".repeat(k), hiRest)));
        return alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    private static String paren(String s) {
        return s.contains("|") ? "(" + s + ")" : s;
    }

    private static String digits(int k) {
        return k == 0 ? "" : k == 1 ? "[0-9]" : "[0-9]{" + k + "}";
    }

    private static long pow10(int e) {
        long r = 1;
        for (int i = 0; i < e; i++) r *= 10;
        return r;
    }
}
