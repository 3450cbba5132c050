package io.github.lfm4j.runner.cli;

import io.github.lfm4j.runner.hub.HubModels;
import io.github.lfm4j.runner.hub.HubSettings;
import io.github.lfm4j.runner.hub.RepoRef;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.function.Function;

/** {@code -hf ORG/NAME[:QUANT]} and the Hub options, shared by the commands that take a model ({@code @Mixin}). */
final class HubOptions {
    /** Environment variables (HF_ENDPOINT, HF_HOME, HF_TOKEN, HF_HUB_OFFLINE, ...): the process's; tests substitute their own. */
    static Function<String, String> environment = System::getenv;

    @Option(names = {"-hf", "--hf-repo"}, paramLabel = "ORG/NAME[:QUANT]",
            description = "Model from the Hugging Face Hub (downloaded into the huggingface_hub cache unless there): the "
                    + ".gguf whose name ends in QUANT (default Q4_K_M or the only one), or the repository's checkpoint.")
    String repo;

    @Option(names = "--hf-revision", paramLabel = "REV", defaultValue = "main", description = "Branch, tag or commit (default: main).")
    String revision;

    @Option(names = "--hf-token", paramLabel = "TOKEN", description = "Hub token for gated or private repositories (default: $HF_TOKEN, or the token file of huggingface-cli login).")
    String token;

    @Option(names = "--offline", description = "Never touch the network: the model must be in the cache (also HF_HUB_OFFLINE=1).")
    boolean offline;

    HubSettings settings() {
        return HubSettings.from(environment, token, offline);
    }

    /** Downloads (or finds in the cache) {@code ref} and returns its local path; progress goes to standard error. */
    Path resolve(String ref) {
        boolean terminal = System.console() != null && System.console().isTerminal();
        return new HubModels(settings(), System.err, terminal).resolve(RepoRef.parse(ref, revision));
    }

    /** The model a command runs: {@code -m PATH} or {@code -hf REPO} (exactly one of them). */
    Path modelPath(Path model) {
        if (model != null && repo != null) throw new UsageException("give either -m or -hf, not both");
        if (model != null) return model;
        if (repo != null) return resolve(repo);
        throw new UsageException("missing required option: '--model=FILE' (or -hf ORG/NAME[:QUANT])");
    }
}
