package io.github.lfm4j.runner.hub;

import java.util.regex.Pattern;

/**
 * A model named on the Hugging Face Hub: {@code ORG/NAME[:QUANT]} as llama.cpp's {@code -hf} takes it. The quant tag,
 * when given, picks one {@code .gguf} file of the repository; without it a GGUF repository's Q4_K_M file is taken
 * (llama.cpp's default), or the only GGUF, or, in a repository without GGUF files, the Hugging Face checkpoint.
 *
 * @param quant the tag, or null
 */
public record RepoRef(String org, String name, String quant, String revision) {
    /** The Hub's rules for names: letters, digits, '-', '_', '.'; no leading or trailing '.' or '-', no "..". */
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?");

    public static RepoRef parse(String s, String revision) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("empty model name (expected ORG/NAME[:QUANT])");
        String repo = s, quant = null;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            repo = s.substring(0, colon);
            quant = s.substring(colon + 1);
            if (quant.isEmpty() || !quant.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("bad quant tag in '" + s + "' (expected ORG/NAME[:QUANT], e.g. LiquidAI/LFM2.5-1.2B-Thinking-GGUF:Q4_K_M)");
            }
        }
        String[] parts = repo.split("/", -1);
        if (parts.length != 2 || !PART.matcher(parts[0]).matches() || !PART.matcher(parts[1]).matches()
                || parts[1].contains("..")) {
            throw new IllegalArgumentException("'" + s + "' is not a Hugging Face model name (expected ORG/NAME[:QUANT])");
        }
        String rev = revision == null || revision.isBlank() ? "main" : revision;
        if (rev.contains("..") || rev.startsWith("/") || rev.contains("\\")) throw new IllegalArgumentException("bad revision '" + rev + "'");
        return new RepoRef(parts[0], parts[1], quant, rev);
    }

    public String repo() {
        return org + "/" + name;
    }

    @Override
    public String toString() {
        return repo() + (quant == null ? "" : ":" + quant) + (revision.equals("main") ? "" : "@" + revision);
    }
}
