package io.github.lfm4j.runner.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/** {@code lfm4j pull ORG/NAME[:QUANT]}: downloads a model into the huggingface_hub cache and prints its path. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Download a model from the Hugging Face Hub into the huggingface_hub cache ($HF_HOME/hub or "
                + "~/.cache/huggingface/hub) and print its local path; a cached model is not downloaded again.")
public final class PullCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ORG/NAME[:QUANT]", description = "e.g. LiquidAI/LFM2.5-1.2B-Thinking-GGUF:Q4_K_M")
    String ref;

    @Mixin
    HubOptions hub = new HubOptions();

    @Override
    public void run() {
        if (hub.repo != null) throw new IllegalArgumentException("pull takes the model as its argument, not -hf");
        Path p = hub.resolve(ref);
        spec.commandLine().getOut().println(p);
        spec.commandLine().getOut().flush();
    }
}
