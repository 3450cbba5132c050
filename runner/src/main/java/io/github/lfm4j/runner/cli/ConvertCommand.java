package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.ModelFiles;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFConverter;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.model.lfm2.Lfm2Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/** {@code lfm4j convert DIR -o FILE.gguf --type T}: a Hugging Face checkpoint (or a GGUF) written as a GGUF file. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Write a Hugging Face LFM2 checkpoint directory (or a GGUF file) as a GGUF file with llama.cpp's tensor names and metadata.")
public final class ConvertCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "checkpoint directory (config.json, *.safetensors, tokenizer.json) or GGUF file")
    Path source;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "GGUF file to write")
    Path output;

    @Option(names = "--type", defaultValue = "bf16", paramLabel = "TYPE",
            description = "type of the matrices: f32, f16, bf16 (default), q8_0 or q4_0; norms and conv taps stay f32")
    String type;

    @Override
    public void run() {
        GGMLType t = GGUFConverter.parseType(type);
        ModelFiles.requireExists(source);
        Path out = output.toAbsolutePath();
        if (Files.isDirectory(out)) throw new IllegalArgumentException("output " + output + " is a directory");
        if (!Files.isDirectory(out.getParent())) {
            throw new IllegalArgumentException("cannot write " + output + ": directory " + out.getParent() + " does not exist");
        }
        Path tmp = out.resolveSibling(out.getFileName() + ".part"); // renamed when complete: never a truncated model
        long t0 = System.nanoTime();
        try (GGUFFile f = ModelFiles.open(source)) {
            Lfm2Weights.load(f, Lfm2Config.from(f)); // a model the engine cannot run is refused before writing
            GGUFConverter.convert(f, t, tmp);
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d tensors, matrices %s, %s in %.1f s%n", output,
                    f.tensorInfos().size(), t.name(), InfoCommand.bytes(Files.size(out)), (System.nanoTime() - t0) / 1e9);
            spec.commandLine().getOut().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the move above removed it, or there is nothing more to do
            }
        }
    }
}
