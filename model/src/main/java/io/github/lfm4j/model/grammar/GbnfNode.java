package io.github.lfm4j.model.grammar;

import java.util.List;

/** The parsed form of a GBNF rule body, before it is compiled to byte-level alternatives. */
sealed interface GbnfNode {

    /** Items one after the other (an empty sequence matches the empty string). */
    record Seq(List<GbnfNode> items) implements GbnfNode {}

    /** One of the options. */
    record Alt(List<GbnfNode> options) implements GbnfNode {}

    /** A string literal, as code points. */
    record Literal(int[] codePoints) implements GbnfNode {}

    /** A character class: inclusive code point ranges as pairs {@code lo0, hi0, lo1, hi1, ...}. */
    record CharClass(int[] ranges, boolean negated) implements GbnfNode {}

    /** {@code .}: any one character. */
    record Any() implements GbnfNode {}

    /** A special (control) token of the vocabulary, by its text, e.g. {@code <|tool_call_start|>}. */
    record Token(String text) implements GbnfNode {}

    /** A reference to a named rule. */
    record Ref(String name, int line) implements GbnfNode {}

    /** {@code item{min,max}}; {@code max} below 0 means unbounded ({@code *}, {@code +}, {@code {m,}}). */
    record Repeat(GbnfNode item, int min, int max) implements GbnfNode {}
}
