package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.gguf.GGUFFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code lfm4j} command line: picocli root command. Subcommands are registered in {@link #create()};
 * the bench module adds {@code bench} on top.
 *
 * <p>Errors users can cause (bad files, bad options, a prompt too long for the context) are printed as one line
 * {@code lfm4j: message} with exit code 1, never as a stack trace; set {@code LFM4J_DEBUG=1} to see the trace.
 */
@Command(name = "lfm4j", mixinStandardHelpOptions = true, version = "lfm4j 0.1.0",
        description = "Run Liquid AI LFM2 / LFM2.5 models on the JVM.")
public final class Lfm4jCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine create() {
        CommandLine cl = new CommandLine(new Lfm4jCli());
        cl.addSubcommand("info", new InfoCommand());
        cl.addSubcommand("synth", new SynthCommand());
        cl.addSubcommand(new ConvertCommand());
        cl.addSubcommand(new PullCommand());
        cl.addSubcommand(new ModelsCommand());
        cl.addSubcommand(new TokenizeCommand());
        cl.addSubcommand(new GenerateCommand());
        cl.addSubcommand(new ChatCommand());
        cl.addSubcommand(new ServeCommand());
        cl.addSubcommand(new DevicesCommand());
        cl.setExecutionExceptionHandler(Lfm4jCli::handleError);
        cl.setParameterExceptionHandler(Lfm4jCli::handleBadArguments);
        return cl;
    }

    private static int handleError(Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
        if (System.getenv("LFM4J_DEBUG") != null) e.printStackTrace();
        if (e instanceof UsageException) {
            cl.getErr().println("lfm4j: " + firstLine(e.getMessage()) + " (see --help)");
            return USAGE_ERROR;
        }
        cl.getErr().println("lfm4j: " + oneLine(e));
        return 1;
    }

    /** Bad options are user errors like any other: one line and exit code 1 (picocli would print the usage, exit 2). */
    /** Exit code for a command line that does not parse (picocli's and the shell's convention); 1 is for runtime errors. */
    public static final int USAGE_ERROR = 2;

    private static int handleBadArguments(CommandLine.ParameterException e, String[] args) {
        e.getCommandLine().getErr().println("lfm4j: " + firstLine(e.getMessage()) + " (see --help)");
        return USAGE_ERROR;
    }

    /** A single-line, user-facing description of an error. */
    public static String oneLine(Throwable e) {
        Throwable t = e;
        while ((t instanceof UncheckedIOException || t.getClass() == RuntimeException.class) && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        if (t instanceof GGUFFormatException || t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
            return firstLine(msg);
        }
        if (t instanceof IOException) return "I/O error: " + firstLine(msg);
        if (t instanceof OutOfMemoryError) return "out of memory (" + firstLine(msg) + "); try a smaller context (-c) or a larger heap (LFM4J_HEAP=4g)";
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + firstLine(msg));
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public static void main(String[] args) {
        System.exit(create().execute(args));
    }
}
