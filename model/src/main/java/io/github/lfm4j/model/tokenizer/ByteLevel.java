package io.github.lfm4j.model.tokenizer;

/**
 * GPT-2's reversible byte-to-character mapping. Byte-level BPE vocabularies store every byte as one printable
 * character: bytes that are already printable Latin-1 ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) map to themselves,
 * the other 68 (controls, space, DEL, NBSP, soft hyphen) map to U+0100, U+0101, ... in byte order. So a space is
 * {@code Ġ} (U+0120) and a newline {@code Ċ} (U+010A). Every mapped character is a single UTF-16 char.
 */
final class ByteLevel {

    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Indexed by char value (all mapped chars are below U+0144); -1 for chars that are no byte. */
    private static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    static char encode(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a vocabulary character stands for, or -1 when the code point is not part of the mapping. */
    static int decode(int codePoint) {
        return codePoint >= 0 && codePoint < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[codePoint] : -1;
    }

    /** UTF-8 bytes {@code [from, to)} as mapped characters. */
    static String encode(byte[] utf8, int from, int to) {
        char[] out = new char[to - from];
        for (int i = from; i < to; i++) out[i - from] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        return new String(out);
    }
}
