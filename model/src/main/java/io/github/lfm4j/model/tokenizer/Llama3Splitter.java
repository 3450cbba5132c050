package io.github.lfm4j.model.tokenizer;

import java.util.Arrays;

/**
 * The pre-tokenizer llama.cpp runs for the {@code lfm2} pre-type (its LLAMA3 pre-type): text is cut into words by
 * <pre>
 * (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 * </pre>
 * BPE never merges across words. This is a hand-written scanner with the same rules and the same corner cases as
 * llama.cpp's (which is not a regex engine either): alternatives are tried in order at each position, and
 * {@code \s+(?!\S)} gives back the last whitespace character so that it can prefix the following word.
 */
final class Llama3Splitter {

    private static final byte NONE = -1; // past the end of the text

    private Llama3Splitter() {
    }

    /**
     * Splits {@code cps[0..n)} and returns the end index (exclusive, in code points) of each word, in order. The
     * last end is always {@code n} when {@code n > 0}.
     */
    static int[] wordEnds(int[] cps, int n) {
        byte[] cls = new byte[n];
        for (int i = 0; i < n; i++) cls[i] = CodepointClass.of(cps[i]);
        int[] ends = new int[Math.max(4, n / 4)];
        int count = 0;
        int pos = 0;
        while (pos < n) {
            int end = matchAt(cps, cls, n, pos);
            if (count == ends.length) ends = Arrays.copyOf(ends, ends.length * 2);
            ends[count++] = end;
            pos = end;
        }
        return Arrays.copyOf(ends, count);
    }

    /** The end of the word that starts at {@code pos}; always greater than {@code pos}. */
    private static int matchAt(int[] cps, byte[] cls, int n, int pos) {
        int cp = cps[pos];
        byte c = cls[pos];

        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if (cp == '\'' && pos + 1 < n) {
            int n1 = Character.toLowerCase(cps[pos + 1]);
            if (n1 == 's' || n1 == 't' || n1 == 'm' || n1 == 'd') return pos + 2;
            if (pos + 2 < n) {
                int n2 = Character.toLowerCase(cps[pos + 2]);
                if ((n1 == 'r' && n2 == 'e') || (n1 == 'v' && n2 == 'e') || (n1 == 'l' && n2 == 'l')) return pos + 3;
            }
        }

        // [^\r\n\p{L}\p{N}]?\p{L}+  (a letter itself also satisfies the optional prefix: it then starts the run)
        if (!(cp == '\r' || cp == '\n' || c == CodepointClass.NUMBER)) {
            if (c == CodepointClass.LETTER || classAt(cls, n, pos + 1) == CodepointClass.LETTER) {
                int p = pos + 1;
                while (classAt(cls, n, p) == CodepointClass.LETTER) p++;
                return p;
            }
        }

        // \p{N}{1,3}
        if (c == CodepointClass.NUMBER) {
            int p = pos;
            while (p < n && cls[p] == CodepointClass.NUMBER && p - pos < 3) p++;
            return p;
        }

        //  ?[^\s\p{L}\p{N}]+[\r\n]*  (a lone space at the very end also lands here, as in llama.cpp)
        byte c2 = cp == ' ' ? classAt(cls, n, pos + 1) : c;
        if (c2 == CodepointClass.OTHER || c2 == NONE) {
            int p = cp == ' ' ? pos + 1 : pos;
            while (classAt(cls, n, p) == CodepointClass.OTHER) p++;
            while (p < n && (cps[p] == '\r' || cps[p] == '\n')) p++;
            return p;
        }

        int spaces = 0;
        int lastLineBreakEnd = -1;
        while (classAt(cls, n, pos + spaces) == CodepointClass.WHITESPACE) {
            int w = cps[pos + spaces];
            if (w == '\r' || w == '\n') lastLineBreakEnd = pos + spaces + 1;
            spaces++;
        }
        // \s*[\r\n]+
        if (lastLineBreakEnd > 0) return lastLineBreakEnd;
        // \s+(?!\S): leave the last whitespace for the next word
        if (spaces > 1 && pos + spaces < n) return pos + spaces - 1;
        // \s+
        if (spaces > 0) return pos + spaces;
        return pos + 1;
    }

    private static byte classAt(byte[] cls, int n, int p) {
        return p < n ? cls[p] : NONE;
    }
}
