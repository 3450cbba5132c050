package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.sampling.SamplerParams;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The options shared by chat and generate (SamplingOptions, EngineOptions): parsing into SamplerParams, and one
 * definition; serve's own -m/--threads must read the same.
 */
class SamplingOptionsTest {

    @Command(name = "probe")
    static final class Probe {
        @Mixin
        SamplingOptions sampling;
    }

    @Command(name = "engine-probe")
    static final class EngineProbe {
        @Mixin
        EngineOptions engine;
    }

    private static EngineOptions engine(String... args) {
        EngineProbe p = new EngineProbe();
        new CommandLine(p).parseArgs(args);
        return p.engine;
    }

    @Test
    void repackingIsOnUnlessTurnedOffAndThreadsTakeLlamaCppsShortName() {
        assertTrue(engine("-m", "x.gguf").modelOptions(0).repack());
        assertTrue(engine("-m", "x.gguf", "--repack").modelOptions(0).repack());
        assertFalse(engine("-m", "x.gguf", "--no-repack").modelOptions(0).repack());
        assertEquals(3, engine("-m", "x.gguf", "-t", "3").modelOptions(0).threads());
        assertEquals(0, engine("-m", "x.gguf").modelOptions(0).threads());
    }

    private static SamplerParams parse(String... args) {
        Probe p = new Probe();
        new CommandLine(p).parseArgs(args);
        return p.sampling.toParams();
    }

    @Test
    void unsetOptionsKeepTheDefaults() {
        assertEquals(SamplerParams.defaults(9), parse("--seed", "9"));
    }

    @Test
    void everyOptionReachesItsParameter() {
        SamplerParams p = parse("--temp", "0.7", "--top-k", "12", "--top-p", "0.9", "--min-p", "0.02",
                "--repeat-penalty", "1.2", "--presence-penalty", "0.5", "--seed", "3");
        assertEquals(new SamplerParams(0.7f, 12, 0.9f, 0.02f, 1.2f, 0.5f, SamplerParams.DEFAULT_PENALTY_LAST_N, 3), p);
    }

    @Test
    void greedyDropsTheDefaultRepetitionPenaltyButKeepsAnExplicitOne() {
        assertEquals(1f, parse("--temp", "0").repetitionPenalty());
        assertEquals(1.3f, parse("--temp", "0", "--repeat-penalty", "1.3").repetitionPenalty());
    }

    @Test
    void chatGenerateAndServeDeclareTheSharedOptionsIdentically() {
        List<String> shared = List.of("--model", "--threads", "--device", "--repack");
        List<String> sampling = List.of("--temp", "--top-k", "--top-p", "--min-p", "--repeat-penalty", "--presence-penalty", "--seed");
        CommandLine generate = new CommandLine(new GenerateCommand()), chat = new CommandLine(new ChatCommand());
        CommandLine serve = new CommandLine(new ServeCommand());
        for (String name : shared) {
            assertEquals(describe(generate, name), describe(chat, name), name);
            assertEquals(describe(generate, name), describe(serve, name), name);
        }
        for (String name : sampling) assertEquals(describe(generate, name), describe(chat, name), name);
    }

    private static String describe(CommandLine cmd, String name) {
        OptionSpec o = cmd.getCommandSpec().findOption(name);
        return String.join("|", o.names()) + " " + o.paramLabel() + " " + o.defaultValue() + " " + String.join(" ", o.description());
    }
}
