package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.grammar.Grammar;
import io.github.lfm4j.model.grammar.JsonGrammars;
import io.github.lfm4j.model.grammar.JsonSchemaConverter;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The structured-output options of {@code generate -p} and {@code chat} ({@code @Mixin}): at most one of a JSON
 * schema, a GBNF grammar file, or "any JSON object". Bad schemas and grammars fail before the model loads, with
 * the converter's or parser's one-line message.
 */
final class StructuredOptions {

    @Option(names = "--json-schema", paramLabel = "FILE|JSON",
            description = "Constrain the answer to JSON valid against this JSON Schema (a file, or the schema itself).")
    String jsonSchema;

    @Option(names = "--grammar", paramLabel = "FILE", description = "Constrain the answer to this GBNF grammar (llama.cpp syntax).")
    Path grammarFile;

    @Option(names = "--json-object", description = "Constrain the answer to a JSON object.")
    boolean jsonObject;

    /** The grammar asked for, or null. */
    Grammar grammar() {
        int given = (jsonSchema != null ? 1 : 0) + (grammarFile != null ? 1 : 0) + (jsonObject ? 1 : 0);
        if (given > 1) throw new IllegalArgumentException("give at most one of --json-schema, --grammar and --json-object");
        if (jsonObject) return Grammar.parse(JsonGrammars.JSON_OBJECT);
        if (grammarFile != null) return Grammar.parse(read(grammarFile, "grammar"));
        if (jsonSchema == null) return null;
        String s = jsonSchema.strip();
        // a schema is a JSON object or boolean; anything else names a file
        boolean inline = s.startsWith("{") || s.equals("true") || s.equals("false");
        return JsonSchemaConverter.compile(inline ? s : read(Path.of(s), "json schema"));
    }

    private static String read(Path p, String what) {
        if (!Files.isRegularFile(p)) throw new IllegalArgumentException(what + " file not found: " + p);
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(what + " file " + p + ": " + e.getMessage(), e);
        }
    }
}
