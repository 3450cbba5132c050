package io.github.lfm4j.model.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Python {@code str} methods with Python's exact semantics, for chat templates (written for Python's Jinja) and
 * for the Java formatter that must match them. Java's own look-alikes differ in ways that change prompts:
 * {@code String.split} takes a regex and drops trailing empty strings, {@code String.strip} and
 * {@code trim} use other whitespace sets.
 */
public final class PythonStrings {
    private PythonStrings() {}

    /** Python's {@code str.isspace()} for one code point. */
    public static boolean isSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 || cp == 0xa0
                || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029
                || cp == 0x202f || cp == 0x205f || cp == 0x3000;
    }

    /** {@code s.strip()} (whitespace) or {@code s.strip(chars)} when chars is not null. */
    public static String strip(String s, String chars) {
        return rstrip(lstrip(s, chars), chars);
    }

    public static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!stripped(cp, chars)) break;
            i += Character.charCount(cp);
        }
        return s.substring(i);
    }

    public static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!stripped(cp, chars)) break;
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    private static boolean stripped(int cp, String chars) {
        return chars == null ? isSpace(cp) : chars.codePoints().anyMatch(c -> c == cp);
    }

    /** {@code s.split(sep, maxsplit)}: literal separator, empty pieces kept; maxsplit &lt; 0 means no limit. */
    public static List<String> split(String s, String sep, int maxsplit) {
        if (sep == null) return splitWhitespace(s, maxsplit);
        if (sep.isEmpty()) throw new IllegalArgumentException("empty separator");
        List<String> parts = new ArrayList<>();
        int start = 0;
        int at;
        while ((maxsplit < 0 || parts.size() < maxsplit) && (at = s.indexOf(sep, start)) >= 0) {
            parts.add(s.substring(start, at));
            start = at + sep.length();
        }
        parts.add(s.substring(start));
        return parts;
    }

    /** {@code s.rsplit(sep, maxsplit)}. */
    public static List<String> rsplit(String s, String sep, int maxsplit) {
        if (sep == null || maxsplit < 0) return split(s, sep, maxsplit);
        if (sep.isEmpty()) throw new IllegalArgumentException("empty separator");
        List<String> parts = new ArrayList<>();
        int end = s.length();
        int at;
        while (parts.size() < maxsplit && (at = s.lastIndexOf(sep, end - sep.length())) >= 0 && end - sep.length() >= 0) {
            parts.addFirst(s.substring(at + sep.length(), end));
            end = at;
        }
        parts.addFirst(s.substring(0, end));
        return parts;
    }

    // str.split() with no separator: runs of whitespace separate, leading/trailing whitespace yields nothing.
    private static List<String> splitWhitespace(String s, int maxsplit) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
            if (i >= n) break;
            if (maxsplit >= 0 && parts.size() == maxsplit) {
                parts.add(rstrip(s.substring(i), null));
                break;
            }
            int start = i;
            while (i < n && !isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
            parts.add(s.substring(start, i));
        }
        return parts;
    }
}
