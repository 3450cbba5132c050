package io.github.lfm4j.runner.cli;

import io.github.lfm4j.runner.api.ChatSession;
import io.github.lfm4j.runner.api.GenerationEvent;
import io.github.lfm4j.runner.api.GenerationListener;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.GenerationResult;
import io.github.lfm4j.runner.api.LanguageModel;
import io.github.lfm4j.runner.api.ModelOptions;
import io.github.lfm4j.runner.api.Usage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lfm4j chat}: an interactive conversation. Reads one message per line from stdin (a terminal, a pipe or
 * tmux), streams the answer; the thinking trace is shown dimmed on a terminal and between {@code <think>} tags
 * otherwise. Commands: {@code /reset}, {@code /think on|off}, {@code /exit}. Ends at {@code /exit} or end of input.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat with a model: one message per line from stdin; /reset, /think on|off, /exit.")
public final class ChatCommand implements Callable<Integer> {
    private static final String DIM = "\u001b[2m", RESET = "\u001b[0m";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    EngineOptions engine;

    @Option(names = "--system", paramLabel = "TEXT", description = "System prompt.")
    String system;

    @Option(names = "--think-budget", paramLabel = "N", defaultValue = "-1",
            description = "Most tokens of thinking per answer before </think> is forced in; -1 = unlimited (default).")
    int thinkBudget;

    @Option(names = "--no-think", description = "Answer without a thinking trace (it is closed as soon as it opens).")
    boolean noThink;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "0",
            description = "Most tokens per answer; 0 = until the context is full (default).")
    int maxTokens;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    StructuredOptions structured;

    @Option(names = {"-c", "--ctx"}, paramLabel = "CTX", defaultValue = "0",
            description = "Context size in tokens; 0 = the model's (default; memory grows with the conversation).")
    int context;

    @Option(names = "--stats", description = "Print token counts and speeds after each answer (to stderr).")
    boolean stats;

    @Override
    public Integer call() {
        if (thinkBudget < -1) throw new IllegalArgumentException("--think-budget must be >= -1, got " + thinkBudget);
        if (maxTokens < 0) throw new IllegalArgumentException("-n must be >= 0, got " + maxTokens);
        var grammar = structured.grammar(); // a bad schema or grammar fails before the model loads
        ModelOptions mo = engine.modelOptions(context);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        boolean terminal = System.console() != null && System.console().isTerminal();
        try (LanguageModel m = LanguageModel.load(engine.model(), mo);
             ChatSession chat = m.newChat(system, List.of())) {
            GenerationOptions options = GenerationOptions.defaults().withSampling(sampling.toParams()).withMaxTokens(maxTokens)
                    .withThinkingBudget(thinkBudget).withThinking(!noThink).withGrammar(grammar);
            chat.setOptions(options);
            if (terminal) {
                out.printf("lfm4j chat: %s, context %d tokens. /reset, /think on|off, /exit%n", m.name(), m.contextSize());
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                if (terminal) {
                    out.print("> ");
                    out.flush();
                }
                String line = in.readLine();
                if (line == null) break;
                line = line.strip();
                if (line.isEmpty()) continue;
                if (line.startsWith("/")) {
                    if (!command(line, chat, out)) break;
                    continue;
                }
                try {
                    GenerationResult r = chat.send(line, new Printer(out, terminal));
                    report(r, err);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    err.println("lfm4j: " + Lfm4jCli.oneLine(e) + " (/reset starts over)");
                    err.flush();
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }

    /** Handles a /command; false to end the chat. */
    private boolean command(String line, ChatSession chat, PrintWriter out) {
        String[] words = line.split("\\s+");
        switch (words[0]) {
            case "/exit", "/quit" -> {
                return false;
            }
            case "/reset" -> {
                chat.reset();
                out.println("(conversation reset)");
            }
            case "/think" -> {
                if (words.length != 2 || !(words[1].equals("on") || words[1].equals("off"))) {
                    out.println("(usage: /think on|off)");
                } else {
                    chat.setOptions(chat.options().withThinking(words[1].equals("on")));
                    out.println("(thinking " + words[1] + ")");
                }
            }
            default -> out.println("(unknown command " + words[0] + "; commands: /reset, /think on|off, /exit)");
        }
        out.flush();
        return true;
    }

    private void report(GenerationResult r, PrintWriter err) {
        if (!r.intervention().isEmpty()) err.println("(" + r.intervention() + ")");
        if (stats) {
            Usage u = r.usage();
            err.printf("(%s; prompt %d tokens, %d cached, %.1f tok/s; answer %d tokens, %d thinking, %.1f tok/s; first token %.0f ms)%n",
                    r.finishReason().name().toLowerCase(), u.promptTokens(), u.cachedPromptTokens(),
                    u.promptTokensPerSecond(), u.completionTokens(), u.reasoningTokens(), u.decodeTokensPerSecond(),
                    u.timeToFirstTokenMillis());
        }
        err.flush();
    }

    /** Streams an answer: thinking dimmed (terminal) or tagged, then the answer, then a newline. */
    private static final class Printer implements GenerationListener {
        private final PrintWriter out;
        private final boolean terminal;
        private boolean inReasoning;

        Printer(PrintWriter out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        @Override
        public boolean onEvent(GenerationEvent event) {
            switch (event) {
                case GenerationEvent.Reasoning r -> {
                    if (!inReasoning) out.print(terminal ? DIM : "<think>");
                    inReasoning = true;
                    out.print(r.text());
                }
                case GenerationEvent.Content c -> {
                    endReasoning();
                    out.print(c.text());
                }
                case GenerationEvent.ToolCallReady t -> {
                    endReasoning();
                    out.print("[tool call " + t.call().name() + " " + t.call().arguments() + "]");
                }
                case GenerationEvent.Done d -> {
                    endReasoning();
                    out.println();
                }
            }
            out.flush();
            return true;
        }

        private void endReasoning() {
            if (!inReasoning) return;
            inReasoning = false;
            out.print(terminal ? RESET + "\n" : "</think>\n");
        }
    }
}
