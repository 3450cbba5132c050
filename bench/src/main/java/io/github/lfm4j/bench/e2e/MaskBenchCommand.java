package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.model.grammar.Grammar;
import io.github.lfm4j.model.grammar.GrammarMatcher;
import io.github.lfm4j.model.grammar.JsonGrammars;
import io.github.lfm4j.model.grammar.JsonSchemaConverter;
import io.github.lfm4j.model.grammar.VocabularyTrie;
import io.github.lfm4j.model.sampling.Sampler;
import io.github.lfm4j.model.sampling.SamplerParams;
import io.github.lfm4j.model.tokenizer.TokenType;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import io.github.lfm4j.runner.api.Device;
import io.github.lfm4j.runner.api.LoadedEngine;
import io.github.lfm4j.runner.api.ModelOptions;
import io.github.lfm4j.runner.engine.EngineSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code lfm4j bench-mask}: what grammar-constrained decoding costs per token. Each step computes the allowed-token
 * mask, applies it to the logits (the same work as the generation loop: -inf for every disallowed token), samples,
 * advances the grammar, and runs a decode step of the engine; mask and decode are timed apart. A grammar that
 * completes starts over with a new matcher (cold caches, as a new request has). {@code --wide-vocab} replaces the
 * model's vocabulary by 65,536 byte strings (the model's own tokens, then concatenations of two or three of them),
 * because the synthetic models' vocabulary has 3,272 real tokens padded with control tokens, far fewer than a real
 * 65,536-token BPE vocabulary for the trie walk.
 */
@Command(name = "bench-mask", mixinStandardHelpOptions = true,
        description = "Per-token cost of the grammar mask against a decode step.")
public final class MaskBenchCommand implements Callable<Integer> {

    static final String NESTED_SCHEMA = """
            {"type":"object","properties":{
              "id":{"type":"integer","minimum":1,"maximum":100000},
              "user":{"type":"object","properties":{"name":{"type":"string","maxLength":24},
                "email":{"type":"string","pattern":"^[a-z]{1,10}@[a-z]{1,10}\\\\.com$"},
                "roles":{"type":"array","items":{"enum":["admin","dev","ops"]},"maxItems":3}},
                "required":["name","roles"],"additionalProperties":false},
              "events":{"type":"array","maxItems":4,"items":{"type":"object","properties":{
                "at":{"type":"string","format":"date-time"},"kind":{"enum":["login","logout"]},
                "score":{"type":"number","minimum":0,"maximum":1}},"required":["at","kind"],"additionalProperties":false}}},
             "required":["id","user","events"],"additionalProperties":false}
            """;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "GGUF model file.")
    Path model;

    @Option(names = "--synthetic", paramLabel = "NAME", description = "A synthetic model, e.g. 1.2b-q4_0 (generated once into the cache).")
    String synthetic;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Cache of synthetic models.")
    Path cacheDir;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", defaultValue = "2", description = "Engine threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = {"-n", "--steps"}, paramLabel = "N", defaultValue = "200", description = "Timed steps per grammar (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--wide-vocab", description = "Use a 65,536-token byte vocabulary instead of the model's.")
    boolean wideVocab;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "7", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if ((model == null) == (synthetic == null)) throw new IllegalArgumentException("give -m FILE or --synthetic NAME");
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1");
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Path file = model != null ? model
                : SyntheticModels.obtain(synthetic, cacheDir != null ? cacheDir : SyntheticModels.defaultCacheDir(), err::println);
        int ctx;
        try (io.github.lfm4j.model.gguf.GGUFFile f = io.github.lfm4j.model.gguf.GGUFFile.open(file)) {
            ctx = Math.min(4096, io.github.lfm4j.model.lfm2.Lfm2Config.from(f).contextLength());
        }
        ModelOptions mo = ModelOptions.defaults().withDevice(Device.CPU).withThreads(threads).withContextSize(ctx);
        try (LoadedEngine engine = LoadedEngine.load(file, mo, err::println)) {
            Tokenizer tokenizer = Tokenizer.fromGGUF(engine.file());
            long t0 = System.nanoTime();
            byte[][] vocab = wideVocab ? wideVocabulary(tokenizer, 65_536, seed) : modelVocabulary(tokenizer);
            int[] ends = endTokens(tokenizer);
            VocabularyTrie trie = new VocabularyTrie(vocab, ends);
            out.printf("vocabulary: %d tokens, trie of %d nodes, built in %.0f ms%n", vocab.length, trie.nodeCount(),
                    (System.nanoTime() - t0) / 1e6);
            out.println("| grammar | steps | mask median ms | mask p90 ms | mask worst ms | decode median ms | median share | worst / median decode |");
            out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
            run("JSON object", Grammar.parse(JsonGrammars.JSON_OBJECT), engine, tokenizer, vocab, ends, trie, out);
            run("nested schema", JsonSchemaConverter.compile(NESTED_SCHEMA), engine, tokenizer, vocab, ends, trie, out);
        }
        out.flush();
        return 0;
    }

    private void run(String name, Grammar g, LoadedEngine engine, Tokenizer tok, byte[][] vocab, int[] ends,
                     VocabularyTrie trie, PrintWriter out) {
        EngineSession session = engine.newSession();
        float[] logits = session.prefill(tok.encode("Write JSON:", true, true));
        Sampler sampler = new Sampler(SamplerParams.defaults(seed));
        GrammarMatcher matcher = new GrammarMatcher(g, trie);
        float[] masked = new float[logits.length];
        long[] mask = new long[steps], decode = new long[steps];
        int modelVocab = logits.length;
        for (int s = 0; s < steps; s++) {
            if (!matcher.canContinue()) matcher = new GrammarMatcher(g, trie);
            long a = System.nanoTime();
            long[] bits = matcher.allowedTokens();
            Arrays.fill(masked, Float.NEGATIVE_INFINITY);
            for (int w = 0; w < bits.length; w++) {
                for (long b = bits[w]; b != 0; b &= b - 1) {
                    int id = (w << 6) + Long.numberOfTrailingZeros(b);
                    if (id < modelVocab) masked[id] = logits[id];
                }
            }
            mask[s] = System.nanoTime() - a;
            int token = sampler.sample(masked);
            boolean end = Arrays.stream(ends).anyMatch(e -> e == token);
            if (end || token >= vocab.length || vocab[token] == null || !VocabularyTrie.allowed(bits, token)) {
                matcher = new GrammarMatcher(g, trie); // the answer ended (or the token is not a byte token): next request
            } else {
                matcher.accept(vocab[token]);
            }
            if (session.position() + 2 >= session.context()) session.reset();
            long d = System.nanoTime();
            logits = session.decode(token % modelVocab);
            decode[s] = System.nanoTime() - d;
        }
        long[] ms = mask.clone(), ds = decode.clone();
        Arrays.sort(ms);
        Arrays.sort(ds);
        double medMask = ms[steps / 2] / 1e6, p90 = ms[(int) (steps * 0.9)] / 1e6, worst = ms[steps - 1] / 1e6;
        double medDecode = ds[steps / 2] / 1e6;
        out.printf("| %s | %d | %.3f | %.3f | %.3f | %.2f | %.1f %% | %.1f %% |%n", name, steps, medMask, p90, worst, medDecode,
                100 * medMask / medDecode, 100 * worst / medDecode);
    }

    static byte[][] modelVocabulary(Tokenizer tok) {
        byte[][] v = new byte[tok.vocabSize()][];
        for (int i = 0; i < v.length; i++) {
            TokenType t = tok.tokenType(i);
            if (t == TokenType.NORMAL || t == TokenType.BYTE || t == TokenType.USER_DEFINED) v[i] = tok.tokenBytes(i);
        }
        return v;
    }

    static int[] endTokens(Tokenizer tok) {
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < tok.vocabSize(); i++) if (i == tok.eos() || tok.isEndOfGeneration(i)) ends.add(i);
        return ends.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The model's byte tokens at their ids, the rest of {@code size} filled with distinct concatenations of 2-3 of them. */
    static byte[][] wideVocabulary(Tokenizer tok, int size, long seed) {
        byte[][] base = modelVocabulary(tok);
        List<byte[]> normal = new ArrayList<>();
        for (byte[] b : base) if (b != null && b.length > 0) normal.add(b);
        byte[][] v = Arrays.copyOf(base, Math.max(size, base.length));
        Set<String> seen = new HashSet<>();
        for (byte[] b : normal) seen.add(Arrays.toString(b));
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            if (v[i] != null && v[i].length > 0) continue;
            if (i < base.length && (i == tok.eos() || tok.isEndOfGeneration(i))) continue; // end tokens keep no bytes
            byte[] t;
            do {
                int parts = 2 + rnd.nextInt(2);
                java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
                for (int p = 0; p < parts; p++) o.writeBytes(normal.get(rnd.nextInt(normal.size())));
                t = o.toByteArray();
            } while (t.length > 24 || !seen.add(Arrays.toString(t)));
            v[i] = t;
        }
        return v;
    }
}
