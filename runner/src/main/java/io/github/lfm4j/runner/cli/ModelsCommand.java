package io.github.lfm4j.runner.cli;

import io.github.lfm4j.runner.hub.HubCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** {@code lfm4j models}: what the huggingface_hub cache holds, per repository, with sizes. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models in the huggingface_hub cache (also those downloaded by Python tools).")
public final class ModelsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    HubOptions hub = new HubOptions();

    @Override
    public void run() {
        HubCache cache = new HubCache(hub.settings().cacheDir());
        PrintWriter out = spec.commandLine().getOut();
        List<HubCache.CachedRepo> repos;
        try {
            repos = cache.list();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println("cache " + cache.root() + ": " + repos.size() + (repos.size() == 1 ? " repository" : " repositories"));
        for (HubCache.CachedRepo r : repos) {
            out.println();
            out.println(r.repo() + "  (" + InfoCommand.bytes(r.bytes()) + (r.revisions().isEmpty() ? "" : ", " + String.join(", ", r.revisions())) + ")");
            for (HubCache.CachedFile f : r.files()) {
                out.println("  " + f.path() + "  " + (f.present() ? InfoCommand.bytes(f.size()) : "(blob missing)")
                        + "  @" + f.commit().substring(0, Math.min(8, f.commit().length())));
            }
        }
        out.flush();
    }
}
