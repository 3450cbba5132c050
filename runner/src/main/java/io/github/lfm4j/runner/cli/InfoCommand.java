package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.ModelFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.kernels.cache.KvCacheType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code lfm4j info}: what a GGUF file holds and how much memory running it takes. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a GGUF model: architecture, layers, dims, tensor types, vocabulary, special tokens, memory.")
public final class InfoCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "GGUF file or Hugging Face checkpoint directory")
    Path model;

    @picocli.CommandLine.Mixin
    HubOptions hub = new HubOptions();

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N",
            description = "context length for the KV cache estimate (default: the model's context length)")
    Integer context;

    @Option(names = {"-ctk", "--cache-type-k"}, paramLabel = "TYPE", defaultValue = "f16",
            description = "KV cache type of keys for the estimate: f32, f16 or q8_0 (default: ${DEFAULT-VALUE}, the CPU engine's)")
    String cacheTypeK;

    @Option(names = {"-ctv", "--cache-type-v"}, paramLabel = "TYPE", defaultValue = "f16",
            description = "KV cache type of values for the estimate (default: ${DEFAULT-VALUE})")
    String cacheTypeV;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public void run() {
        if (context != null && context < 1) throw new IllegalArgumentException("context size must be at least 1, got " + context);
        try (GGUFFile f = ModelFiles.open(hub.modelPath(model))) {
            ModelSummary s = ModelSummary.of(f, context == null ? 0 : context, KvCacheType.parse(cacheTypeK),
                    KvCacheType.parse(cacheTypeV));
            PrintWriter out = spec.commandLine().getOut();
            if (json) out.println(toJson(s));
            else printText(s, out);
            out.flush();
        }
    }

    static void printText(ModelSummary s, PrintWriter out) {
        row(out, "file", s.file() + " (" + bytes(s.fileSize()) + ", "
                + (s.ggufVersion() > 0 ? "GGUF v" + s.ggufVersion() : "Hugging Face checkpoint, safetensors") + ")");
        if (s.name() != null) row(out, "name", s.name());
        String arch = s.architecture() == null ? "(not set)" : s.architecture();
        if (s.architecture() != null && !Lfm2Config.ARCH.equals(s.architecture())) arch += " (lfm4j runs only lfm2)";
        row(out, "architecture", arch);
        Lfm2Config c = s.config();
        if (c != null) {
            row(out, "layers", c.layers() + " (" + c.convLayerCount() + " conv, " + c.attentionLayerCount() + " attention)");
            row(out, "layer pattern", Arrays.stream(c.layerTypes()).map(t -> t.equals("attention") ? "A" : "c")
                    .collect(Collectors.joining(" ")) + "   (c = short conv, A = attention)");
            row(out, "dims", "hidden " + c.dim() + ", ffn " + c.ffnDim() + ", heads " + c.heads() + ", KV heads "
                    + c.kvHeadCount() + ", head dim " + c.headDim());
            row(out, "context length", c.contextLength() + " (rope base " + fmt(c.ropeTheta()) + ", rms eps "
                    + fmt(c.rmsEps()) + ", conv cache " + c.convCache() + ")");
        } else if (s.configProblem() != null) {
            row(out, "config", "unusable: " + s.configProblem());
        }
        if (s.vocabSize() != null) {
            String tok = s.tokenizerModel() == null ? "" : ", tokenizer " + s.tokenizerModel();
            String merges = s.mergeCount() == null ? "" : ", " + s.mergeCount() + " merges";
            String rows = s.tokenCount() != null && !s.tokenCount().equals(s.vocabSize())
                    ? " (but the tokenizer has " + s.tokenCount() + ")" : "";
            row(out, "vocabulary", s.vocabSize() + " tokens" + rows + tok + merges);
        }
        if (!s.specials().isEmpty()) {
            row(out, "special tokens", s.specials().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().id() + (e.getValue().text() == null ? "" : " " + quote(e.getValue().text())))
                    .collect(Collectors.joining(", ")));
        }
        row(out, "chat template", s.chatTemplate() == null ? "none" : "embedded (" + s.chatTemplate().length() + " chars)");
        row(out, "tensors", s.tensorCount() + (s.tensorCount() == 0 ? " (vocabulary only)" : ", " + bytes(s.tensorBytes())));
        for (Map.Entry<GGMLType, long[]> e : s.tensorTypes().entrySet()) {
            out.printf(Locale.ROOT, "  %-6s %5d tensors %12s%n", e.getKey(), e.getValue()[0], bytes(e.getValue()[1]));
        }
        if (s.weightsProblem() != null) row(out, "weights", "unusable: " + s.weightsProblem());
        if (c != null && s.tensorCount() > 0) {
            String beyond = s.context() > c.contextLength() ? " (beyond the trained " + c.contextLength() + ")" : "";
            String types = s.cacheTypeK() == s.cacheTypeV() ? s.cacheTypeK().id()
                    : "keys " + s.cacheTypeK().id() + ", values " + s.cacheTypeV().id();
            row(out, "memory", "weights " + bytes(s.tensorBytes()) + " + KV cache " + bytes(s.kvCacheBytes())
                    + " (" + types + ") at context " + s.context() + beyond + " + conv state " + bytes(s.convStateBytes())
                    + " = " + bytes(s.totalBytes()));
        }
    }

    static String toJson(ModelSummary s) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = m.createObjectNode();
        o.put("file", s.file());
        o.put("file_size", s.fileSize());
        o.put("format", s.ggufVersion() > 0 ? "gguf" : "hf-checkpoint");
        if (s.ggufVersion() > 0) o.put("gguf_version", s.ggufVersion());
        if (s.name() != null) o.put("name", s.name());
        if (s.architecture() != null) o.put("architecture", s.architecture());
        Lfm2Config c = s.config();
        if (c != null) {
            o.put("embedding_length", c.dim());
            o.put("block_count", c.layers());
            ArrayNode lt = o.putArray("layer_types");
            for (String t : c.layerTypes()) lt.add(t.equals("attention") ? "attention" : "conv");
            o.put("head_count", c.heads());
            o.put("head_count_kv", c.kvHeadCount());
            ArrayNode kv = o.putArray("head_count_kv_per_layer");
            for (int k : c.kvHeads()) kv.add(k);
            o.put("head_dim", c.headDim());
            o.put("feed_forward_length", c.ffnDim());
            o.put("context_length", c.contextLength());
            o.put("rope_freq_base", c.ropeTheta());
            o.put("rms_eps", c.rmsEps());
            o.put("shortconv_l_cache", c.convCache());
        }
        if (s.configProblem() != null) o.put("config_error", s.configProblem());
        if (s.vocabSize() != null) o.put("vocab_size", s.vocabSize());
        if (s.tokenCount() != null) o.put("tokenizer_tokens", s.tokenCount());
        if (s.tokenizerModel() != null) o.put("tokenizer_model", s.tokenizerModel());
        if (s.mergeCount() != null) o.put("merge_count", s.mergeCount());
        ObjectNode sp = o.putObject("special_tokens");
        s.specials().forEach((k, v) -> {
            ObjectNode t = sp.putObject(k);
            t.put("id", v.id());
            if (v.text() != null) t.put("text", v.text());
        });
        o.put("has_chat_template", s.chatTemplate() != null);
        o.put("tensor_count", s.tensorCount());
        ObjectNode types = o.putObject("tensor_types");
        ObjectNode typeBytes = o.putObject("tensor_type_bytes");
        s.tensorTypes().forEach((t, cb) -> {
            types.put(t.name(), cb[0]);
            typeBytes.put(t.name(), cb[1]);
        });
        o.put("weights_bytes", s.tensorBytes());
        if (s.weightsProblem() != null) o.put("weights_error", s.weightsProblem());
        if (c != null) {
            o.put("context", s.context());
            o.put("kv_cache_bytes", s.kvCacheBytes());
            o.put("kv_cache_type_k", s.cacheTypeK().id());
            o.put("kv_cache_type_v", s.cacheTypeV().id());
            o.put("conv_state_bytes", s.convStateBytes());
            o.put("total_bytes", s.totalBytes());
        }
        try {
            return m.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getOriginalMessage());
        }
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf(Locale.ROOT, "%-16s%s%n", label + ":", value);
    }

    private static String fmt(float f) {
        return f == Math.rint(f) && Math.abs(f) < 1e7 ? String.valueOf((long) f) : String.valueOf(f);
    }

    /** Control characters escaped so a token prints on one line. */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char ch : s.toCharArray()) {
            if (ch == '\n') b.append("\\n");
            else if (ch < 0x20) b.append(String.format("\\x%02x", (int) ch));
            else b.append(ch);
        }
        return b.append('\'').toString();
    }

    /** Human-readable size, binary units. */
    static String bytes(long n) {
        return io.github.lfm4j.runner.hub.DownloadProgress.bytes(n);
    }
}
