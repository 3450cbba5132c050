package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.ModelFiles;
import io.github.lfm4j.runner.api.LanguageModel;
import io.github.lfm4j.runner.api.ModelOptions;
import io.github.lfm4j.runner.server.OpenAiServer;
import io.github.lfm4j.runner.server.ServerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code lfm4j serve}: an OpenAI-compatible HTTP server ({@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/models}, {@code /health}, {@code /metrics}) over one model, until interrupted (Ctrl-C).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over an OpenAI-compatible HTTP API.")
public final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    EngineOptions engine;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for all).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = {"-c", "--ctx"}, paramLabel = "CTX", defaultValue = "0",
            description = "Context size per conversation in tokens (default: the model's; memory grows with use).")
    int context;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "1",
            description = "Generations run at the same time (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_QUEUE,
            description = "Requests that may wait for a free slot; more get 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:LFM4J_API_KEY}",
            description = "Require 'Authorization: Bearer KEY' (default: $LFM4J_API_KEY; none if unset).")
    String apiKey;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "" + ServerConfig.DEFAULT_MAX_BODY,
            description = "Largest request body accepted (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--alias", paramLabel = "NAME",
            description = "Model name in /v1/models and responses (default: the file name).")
    String alias;

    @Option(names = {"-q", "--quiet"}, description = "Do not log a line per request on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        ServerConfig config = new ServerConfig(host, port, parallel, queue, apiKey, maxBody, null,
                quiet ? null : line -> err.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + line));
        Path model = engine.model();
        ModelFiles.requireExists(model);
        if (context < 0) throw new IllegalArgumentException("-c must be >= 0, got " + context);
        ModelOptions options = engine.modelOptions(context);
        String modelId = alias != null ? alias : model.getFileName().toString();
        try (LanguageModel m = LanguageModel.load(model, options)) {
            OpenAiServer server;
            try {
                server = OpenAiServer.start(m, modelId, config);
            } catch (BindException e) {
                throw new IllegalArgumentException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "lfm4j-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            err.printf("lfm4j: serving %s on http://%s:%d/v1 (context %d, %d slot%s, queue %d%s)%n",
                    modelId, host.contains(":") ? "[" + host + "]" : host, server.port(), m.contextSize(), parallel,
                    parallel == 1 ? "" : "s", queue, apiKey != null ? ", API key required" : "");
            err.flush();
            try {
                stopped.await();
            } finally {
                server.close();
            }
        }
        return 0;
    }
}
