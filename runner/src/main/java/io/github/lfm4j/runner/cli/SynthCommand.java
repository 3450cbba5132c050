package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.synth.SynthShape;
import io.github.lfm4j.model.synth.SynthType;
import io.github.lfm4j.model.synth.SyntheticModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/** {@code lfm4j synth}: writes an LFM2 GGUF model with random weights, for tests and benchmarks. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a synthetic LFM2 model (random, reproducible weights) as GGUF.")
public final class SynthCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", required = true, paramLabel = "NAME", description = "tiny, small (K-quant-sized rows) or 1.2b")
    String preset;

    @Option(names = "--type", defaultValue = "q4_0", paramLabel = "TYPE",
            description = "matrix type: f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q2_k, q3_k, q4_k, q5_k, or a"
                    + " llama-quantize mix: q4_k_m, q5_k_m, q6_k (default: ${DEFAULT-VALUE})")
    String type;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--chat-template-file", paramLabel = "FILE", description = "embed this file as tokenizer.chat_template")
    Path chatTemplateFile;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all processors)")
    Integer threads;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "GGUF file to write")
    Path output;

    @Override
    public void run() {
        SynthShape shape = SynthShape.preset(preset);
        SynthType t = SynthType.parse(type);
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        String template = null;
        try {
            if (chatTemplateFile != null) template = Files.readString(chatTemplateFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("chat template file " + chatTemplateFile + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path out = output.toAbsolutePath();
        if (Files.isDirectory(out)) throw new IllegalArgumentException("output " + output + " is a directory");
        if (!Files.isDirectory(out.getParent())) {
            throw new IllegalArgumentException("cannot write " + output + ": directory " + out.getParent() + " does not exist");
        }
        // written under a temporary name and renamed, so an interrupted run never leaves a truncated model behind
        Path tmp = out.resolveSibling(out.getFileName() + ".part");
        long t0 = System.nanoTime();
        try {
            SyntheticModel.write(tmp, shape, t, seed, template, n);
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            double secs = (System.nanoTime() - t0) / 1e9;
            spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: synthetic LFM2 %s, %s, seed %d, %s in %.1f s%n",
                    output, shape.name(), t.name(), seed, InfoCommand.bytes(Files.size(out)), secs);
            spec.commandLine().getOut().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the error being reported matters more
            }
        }
    }
}
