package io.github.lfm4j.runner.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which files of a repository make the model: the {@code .gguf} whose name ends in the quant tag
 * (case-insensitive, as llama.cpp matches {@code -hf REPO:QUANT}), Q4_K_M or the only GGUF without a tag, or, in a
 * repository without GGUF files, the Hugging Face checkpoint's files. None or several matches is a one-line error
 * that lists what the repository offers.
 *
 * @param files      repository paths to download
 * @param checkpoint true when the model is the snapshot directory (a checkpoint), false for {@code files.get(0)}
 */
record FileChoice(List<String> files, boolean checkpoint) {
    static final String DEFAULT_QUANT = "Q4_K_M";

    static FileChoice choose(RepoRef ref, List<String> paths) {
        List<String> ggufs = paths.stream().filter(FileChoice::isModelGguf).sorted().toList();
        if (ref.quant() != null) {
            List<String> hits = ggufs.stream().filter(p -> matches(p, ref.quant())).toList();
            if (hits.size() == 1) return new FileChoice(hits, false);
            if (ggufs.isEmpty()) throw new HubException(ref.repo() + " has no .gguf files, so no quant '" + ref.quant() + "' (without a tag its checkpoint is used)");
            throw new HubException(ref.repo() + ": " + (hits.isEmpty() ? "no" : hits.size()) + " .gguf file" + (hits.size() > 1 ? "s match" : " matches")
                    + " '" + ref.quant() + "'; available: " + String.join(", ", tags(hits.isEmpty() ? ggufs : hits)));
        }
        if (ggufs.size() == 1) return new FileChoice(ggufs, false);
        if (ggufs.size() > 1) {
            List<String> hits = ggufs.stream().filter(p -> matches(p, DEFAULT_QUANT)).toList();
            if (hits.size() == 1) return new FileChoice(hits, false);
            throw new HubException(ref.repo() + " has several .gguf files; pick one with " + ref.repo() + ":QUANT, available: "
                    + String.join(", ", tags(ggufs)));
        }
        if (!paths.contains("config.json")) throw new HubException(ref.repo() + " has neither .gguf files nor a config.json checkpoint");
        List<String> files = new ArrayList<>();
        for (String p : paths) {
            if (p.contains("/")) continue; // a checkpoint lives at the top level; subfolders hold other formats
            if (p.endsWith(".safetensors") || p.equals("model.safetensors.index.json") || p.equals("config.json")
                    || p.equals("tokenizer.json") || p.equals("tokenizer_config.json") || p.equals("chat_template.jinja")
                    || p.equals("generation_config.json") || p.equals("special_tokens_map.json")) files.add(p);
        }
        if (files.stream().noneMatch(p -> p.endsWith(".safetensors"))) {
            throw new HubException(ref.repo() + " has a config.json but no .safetensors weights (nor .gguf files)");
        }
        return new FileChoice(files, true);
    }

    private static boolean isModelGguf(String p) {
        String name = p.substring(p.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return name.endsWith(".gguf") && !name.startsWith("mmproj");
    }

    /** The name without .gguf ends in the tag, after a '-', '.' or '_' (so Q4_K matches neither Q4_K_M nor XQ4_K). */
    static boolean matches(String path, String tag) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        String stem = name.substring(0, name.length() - ".gguf".length()).toLowerCase(Locale.ROOT);
        String t = tag.toLowerCase(Locale.ROOT);
        if (stem.equals(t)) return true;
        if (!stem.endsWith(t)) return false;
        char before = stem.charAt(stem.length() - t.length() - 1);
        return before == '-' || before == '.' || before == '_';
    }

    private static List<String> tags(List<String> ggufs) {
        return ggufs.stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).toList();
    }
}
