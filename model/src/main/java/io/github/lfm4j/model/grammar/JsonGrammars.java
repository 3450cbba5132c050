package io.github.lfm4j.model.grammar;

/** Fixed JSON grammars in GBNF, shared by the generic JSON mode and the rules the schema converter builds on. */
public final class JsonGrammars {
    private JsonGrammars() {}

    /** One JSON string character: anything but quote, backslash and controls, or an escape (no lone surrogates). */
    static final String CHAR = "[^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" ([0-9a-cA-CefEF] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2}))";
    /** Numbers as JSON writes them, with at most 16 digits in each part (so a number cannot go on forever). */
    static final String INTEGRAL_PART = "[0] | [1-9] [0-9]{0,15}";
    static final String DECIMAL_PART = "[0-9]{1,16}";
    static final String NUMBER = "(\"-\"? integral-part) (\".\" decimal-part)? ([eE] [-+]? integral-part)? space";

    /**
     * Any JSON object (what OpenAI's {@code response_format: {"type": "json_object"}} asks for), with bounded
     * whitespace: a space, or a newline and up to 20 blanks of indentation.
     */
    public static final String JSON_OBJECT = """
            root ::= object
            value ::= object | array | string | number | ("true" | "false" | "null") space
            object ::= "{" space ( string ":" space value ("," space string ":" space value)* )? "}" space
            array ::= "[" space ( value ("," space value)* )? "]" space
            string ::= "\\"" char* "\\"" space
            char ::= %s
            number ::= %s
            integral-part ::= %s
            decimal-part ::= %s
            space ::= | " " | "\\n" [ \\t]{0,20}
            """.formatted(CHAR, NUMBER, INTEGRAL_PART, DECIMAL_PART);

    /** Any JSON value. */
    public static final String JSON_VALUE = JSON_OBJECT.replace("root ::= object", "root ::= value");
}
