package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.ModelFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lfm4j tokenize}: shows the token ids a model's tokenizer gives for a text, with each token's piece (the
 * text it decodes to). Needs only the vocabulary, so a vocabulary-only GGUF works too.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids and pieces the model's tokenizer gives for a text.")
public final class TokenizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "GGUF model or vocabulary file, or a Hugging Face checkpoint directory.")
    Path model;

    @picocli.CommandLine.Mixin
    HubOptions hub = new HubOptions();

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "Text to tokenize.")
    String prompt;

    @Option(names = "--special",
            description = "Recognise control tokens written in TEXT, such as <|im_start|> (off: they are plain text).")
    boolean special;

    @Option(names = "--no-bos", description = "Do not add the BOS token the model asks for.")
    boolean noBos;

    @Option(names = "--json", description = "Print {\"ids\":[...],\"pieces\":[...]} instead of one token per line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (GGUFFile file = ModelFiles.open(hub.modelPath(model))) {
            Tokenizer tokenizer = Tokenizer.fromGGUF(file);
            int[] ids = tokenizer.encode(prompt, !noBos, special);
            if (json) {
                // A piece on its own may be only part of a multi-byte character; JSON then shows it as U+FFFD.
                List<String> pieces = new ArrayList<>(ids.length);
                for (int id : ids) pieces.add(tokenizer.decode(new int[]{id}, false));
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("ids", ids);
                result.put("pieces", pieces);
                out.println(new ObjectMapper().writeValueAsString(result));
            } else {
                for (int id : ids) out.printf("%6d -> '%s'%n", id, visible(tokenizer.tokenBytes(id)));
                out.printf("%d tokens%n", ids.length);
            }
        }
        out.flush();
        return 0;
    }

    /**
     * A token's bytes for the listing: line breaks and tabs as escapes so that each token stays on its own line,
     * and the bytes of a character split across tokens as {@code \xHH}.
     */
    static String visible(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        if (!Arrays.equals(s.getBytes(StandardCharsets.UTF_8), bytes)) {
            StringBuilder hex = new StringBuilder();
            for (byte b : bytes) {
                if (b >= 0x20 && b < 0x7F) hex.append((char) b);
                else hex.append(String.format("\\x%02X", b & 0xFF));
            }
            return hex.toString();
        }
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }
}
