package io.github.lfm4j.model.tokenizer;

/**
 * The three character classes the LLaMA-3 split rules look at, defined as llama.cpp defines them: {@code \p{L}}
 * (general categories Lu, Ll, Lt, Lm, Lo), {@code \p{N}} (Nd, Nl, No) and {@code \s} (the Unicode White_Space
 * property, which unlike {@link Character#isWhitespace} includes NBSP U+00A0, U+2007, U+202F and excludes
 * U+001C..U+001F). Categories come from the JDK's Unicode tables, whose version may differ slightly from the one
 * llama.cpp's generated tables were built from; only characters assigned in between can classify differently.
 */
final class CodepointClass {

    static final byte OTHER = 0;
    static final byte LETTER = 1;
    static final byte NUMBER = 2;
    static final byte WHITESPACE = 3;

    private CodepointClass() {
    }

    static byte of(int cp) {
        if (isWhitespace(cp)) return WHITESPACE;
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            default -> OTHER;
        };
    }

    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }
}
