package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.GenerationResult;
import io.github.lfm4j.runner.api.LanguageModel;
import io.github.lfm4j.runner.api.ModelOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lfm4j chat} driven through stdin, as a pipe or tmux would. */
class ChatCommandTest {
    static final String MODEL = "../model/src/test/resources/fixtures/tiny-f32.gguf";

    private static CliRun chat(String input, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            String[] all = new String[args.length + 5];
            all[0] = "chat";
            all[1] = "-m";
            all[2] = MODEL;
            all[3] = "--threads";
            all[4] = "1";
            System.arraycopy(args, 0, all, 5, args.length);
            return CliRun.of(all);
        } finally {
            System.setIn(saved);
        }
    }

    /** What the chat prints for an answer when stdout is not a terminal. */
    private static String shown(GenerationResult r) {
        return (r.reasoning().isEmpty() ? "" : "<think>" + r.reasoning() + "</think>\n") + r.content();
    }

    @Test
    void answersEachLineAndKeepsTheConversation() {
        CliRun r = chat("Hello\n\nHow are you?\n", "--temp", "0", "-n", "6");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().split("\n", -1);
        // the same two turns through the library
        try (LanguageModel m = LanguageModel.load(Path.of(MODEL), ModelOptions.defaults().withThreads(1));
             var session = m.newChat()) {
            session.setOptions(GenerationOptions.greedy().withMaxTokens(6));
            String expected = shown(session.send("Hello")) + "\n" + shown(session.send("How are you?")) + "\n";
            assertEquals(expected, r.out());
        }
        assertTrue(lines.length >= 3);
    }

    @Test
    void commands() {
        CliRun r = chat("/think off\n/think maybe\n/bogus\nHi\n/reset\n/exit\nnever read\n", "--temp", "0", "-n", "3", "--stats");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("(thinking off)\n(usage: /think on|off)\n(unknown command /bogus;"), r.out());
        assertTrue(r.out().endsWith("(conversation reset)\n"), r.out());
        assertTrue(r.err().startsWith("(length; prompt "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void anOverlongMessageIsOneErrorLineAndTheChatGoesOn() {
        CliRun r = chat("word ".repeat(60) + "\nHi\n", "--temp", "0", "-n", "2", "-c", "40");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().matches("lfm4j: prompt of \\d+ tokens does not fit in the context of 40 tokens.*\\(/reset starts over\\)\n"), r.err());
        try (LanguageModel m = LanguageModel.load(Path.of(MODEL), ModelOptions.defaults().withThreads(1).withContextSize(40))) {
            GenerationResult ok = m.chatCompletion(List.of(ChatMessage.user("Hi")), List.of(), GenerationOptions.greedy().withMaxTokens(2));
            assertEquals(shown(ok) + "\n", r.out());
        }
    }

    @Test
    void badOptionsAreOneLine() {
        assertEquals("lfm4j: GPU engine needs TornadoVM, which this build does not include (build with TORNADOVM_HOME set to a TornadoVM SDK)",
                chat("", "--device", "gpu").oneErrorLine());
        assertEquals("lfm4j: unknown device 'tpu': use cpu, gpu or auto", chat("", "--device", "tpu").oneErrorLine());
        assertEquals("lfm4j: --think-budget must be >= -1, got -5", chat("", "--think-budget", "-5").oneErrorLine());
    }
}
