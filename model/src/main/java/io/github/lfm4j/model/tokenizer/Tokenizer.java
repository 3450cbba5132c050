package io.github.lfm4j.model.tokenizer;

import io.github.lfm4j.model.gguf.GGUFArray;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFFormatException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The byte-level BPE tokenizer of LFM2 GGUF files ({@code tokenizer.ggml.model = gpt2},
 * {@code tokenizer.ggml.pre = lfm2}), giving the same ids as llama.cpp:
 * <ol>
 *   <li>special tokens (control, unknown, user-defined) are cut out of the text as whole strings, longest first;
 *       control and unknown tokens only when the caller allows it ({@code parseSpecial}), so raw user text can
 *       never produce {@code <|im_start|>} and friends;</li>
 *   <li>the text between them is split into words by the LLaMA-3 rules ({@link Llama3Splitter});</li>
 *   <li>each word is written as one byte-level character per UTF-8 byte ({@link ByteLevel}) and merged by rank
 *       ({@link BytePairEncoder}); a word that is itself a vocabulary entry is taken whole ({@code ignore_merges}).</li>
 * </ol>
 * Immutable and thread-safe. Obtain one with {@link #fromGGUF(GGUFFile)}.
 */
public final class Tokenizer {

    /** Pre-tokenizer names llama.cpp maps to its LLAMA3 pre-type with ignore_merges and add_bos on. */
    private static final Set<String> LLAMA3_STYLE_PRE = Set.of(
            "lfm2", "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "jina-v5-nano");

    /**
     * Token texts llama.cpp treats as end-of-generation and forces to control type even when a file types them as
     * normal (so that they never leak into output nor get typed in by users).
     */
    private static final Set<String> END_OF_GENERATION_TEXTS = Set.of(
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
            "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
            "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
            "<\uFF5Cend\u2581of\u2581sentence\uFF5C>", "[e~[");

    private final String[] tokens;
    private final TokenType[] types;
    private final Map<String, Integer> ids;
    private final BytePairEncoder bpe;
    private final int bos;
    private final int eos;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean[] endOfGeneration;
    /** Control, unknown and user-defined tokens, longest (in UTF-8 bytes) first. */
    private final int[] specials;
    /** Each token's output bytes, with control tokens rendered as their text. */
    private final byte[][] pieceBytes;

    /**
     * Builds a tokenizer from vocabulary arrays (what {@link #fromGGUF} reads).
     *
     * @param tokens token texts as stored (byte-level characters for normal tokens); no duplicates
     * @param types  {@code tokenizer.ggml.token_type} values, or null for all normal
     * @param merges {@code tokenizer.ggml.merges}: "left right", best first
     * @param bos    BOS id or -1
     * @param eos    EOS id or -1
     * @param addBos whether the model wants BOS in front of a prompt
     * @param addEos whether the model wants EOS after a prompt
     */
    Tokenizer(String[] tokens, int[] types, String[] merges, int bos, int eos, boolean addBos, boolean addEos) {
        int n = tokens.length;
        if (n == 0) throw new IllegalArgumentException("empty vocabulary");
        if (types != null && types.length < n) {
            throw new IllegalArgumentException("token types: " + types.length + " entries for " + n + " tokens");
        }
        this.tokens = new String[n];
        this.types = new TokenType[n];
        this.ids = new HashMap<>(n * 2);
        this.endOfGeneration = new boolean[n];
        for (int i = 0; i < n; i++) {
            // llama.cpp gives empty entries a placeholder text so that every token text stays unique.
            String t = tokens[i].isEmpty() ? "[EMPTY_" + i + "]" : tokens[i];
            Integer dup = ids.putIfAbsent(t, i);
            if (dup != null) {
                throw new IllegalArgumentException("duplicate token in vocabulary: '" + t + "' has ids " + dup + " and " + i);
            }
            this.tokens[i] = t;
            TokenType type = types == null ? TokenType.NORMAL : TokenType.fromId(types[i]);
            if (END_OF_GENERATION_TEXTS.contains(t)) {
                endOfGeneration[i] = true;
                type = TokenType.CONTROL;
            }
            this.types[i] = type;
        }
        if (bos >= n || eos >= n) {
            throw new IllegalArgumentException("BOS/EOS id (" + bos + "/" + eos + ") outside the vocabulary of " + n);
        }
        if (addBos && bos < 0) throw new IllegalArgumentException("the model asks for a BOS token but has no BOS id");
        if (addEos && eos < 0) throw new IllegalArgumentException("the model asks for an EOS token but has no EOS id");
        this.bos = bos;
        this.eos = eos;
        this.addBos = addBos;
        this.addEos = addEos;
        if (eos >= 0) endOfGeneration[eos] = true;
        this.bpe = new BytePairEncoder(ids, merges, true);

        List<Integer> special = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TokenType t = this.types[i];
            if (t == TokenType.CONTROL || t == TokenType.UNKNOWN || t == TokenType.USER_DEFINED) special.add(i);
        }
        int[] utf8Len = new int[n];
        for (int i : special) utf8Len[i] = this.tokens[i].getBytes(StandardCharsets.UTF_8).length;
        special.sort(Comparator.<Integer>comparingInt(i -> -utf8Len[i]).thenComparingInt(i -> i));
        this.specials = special.stream().mapToInt(Integer::intValue).toArray();

        this.pieceBytes = new byte[n][];
        for (int i = 0; i < n; i++) pieceBytes[i] = renderPiece(this.tokens[i], this.types[i]);
    }

    /**
     * Reads the tokenizer of a GGUF file. Only byte-level BPE with the LLaMA-3 style pre-tokenizer (LFM2's) is
     * supported; anything else, or inconsistent vocabulary metadata, is a {@link GGUFFormatException} with a
     * one-line message.
     */
    public static Tokenizer fromGGUF(GGUFFile file) {
        String where = file.path() + ": ";
        String model = file.getString("tokenizer.ggml.model", null);
        if (model == null) throw new GGUFFormatException(where + "no tokenizer in this file (missing tokenizer.ggml.model)");
        if (!model.equals("gpt2")) {
            throw new GGUFFormatException(where + "unsupported tokenizer model '" + model + "' (only byte-level BPE, 'gpt2')");
        }
        String pre = file.getString("tokenizer.ggml.pre", null);
        if (pre == null || !LLAMA3_STYLE_PRE.contains(pre)) {
            throw new GGUFFormatException(where + "unsupported pre-tokenizer '" + pre + "' (supported: lfm2 and the other LLaMA-3 style ones)");
        }
        String[] tokens = stringArray(file, "tokenizer.ggml.tokens", where);
        String[] merges = stringArray(file, "tokenizer.ggml.merges", where);
        GGUFArray typeArray = file.getArray("tokenizer.ggml.token_type");
        int[] types = typeArray == null ? null : typeArray.toIntArray();
        int n = tokens.length;
        if (types != null && types.length < n) {
            throw new GGUFFormatException(where + "tokenizer.ggml.token_type has " + types.length + " entries for " + n + " tokens");
        }
        int bos = optionalTokenId(file, "tokenizer.ggml.bos_token_id", n);
        int eos = optionalTokenId(file, "tokenizer.ggml.eos_token_id", n);
        boolean addBos = file.getBool("tokenizer.ggml.add_bos_token", true);
        boolean addEos = file.getBool("tokenizer.ggml.add_eos_token", false);
        if (addBos && bos < 0) {
            throw new GGUFFormatException(where + "tokenizer.ggml.add_bos_token is true, but tokenizer.ggml.bos_token_id is not set");
        }
        if (addEos && eos < 0) {
            throw new GGUFFormatException(where + "tokenizer.ggml.add_eos_token is true, but tokenizer.ggml.eos_token_id is not set");
        }
        try {
            return new Tokenizer(tokens, types, merges, bos, eos, addBos, addEos);
        } catch (IllegalArgumentException e) {
            throw new GGUFFormatException(where + e.getMessage());
        }
    }

    private static String[] stringArray(GGUFFile file, String key, String where) {
        GGUFArray a = file.getArray(key);
        if (a == null) throw new GGUFFormatException(where + "missing metadata '" + key + "'");
        if (!(a.values() instanceof String[] s)) throw new GGUFFormatException(where + "metadata '" + key + "' is not a string array");
        return s;
    }

    /** A special-token id from metadata; -1 when absent or outside the vocabulary (llama.cpp ignores those too). */
    private static int optionalTokenId(GGUFFile file, String key, int vocabSize) {
        if (!file.has(key)) return -1;
        long id = file.getLong(key, -1);
        return id >= 0 && id < vocabSize ? (int) id : -1;
    }

    // ---- encoding ---------------------------------------------------------------------------------------------

    /**
     * Token ids for {@code text}.
     *
     * @param addBos       add the tokens the model asks for around a prompt: BOS in front when
     *                     {@code tokenizer.ggml.add_bos_token} is true (the default for LFM2), and EOS after when
     *                     {@code tokenizer.ggml.add_eos_token} is true (LFM2: false). llama.cpp's {@code add_special}.
     * @param parseSpecial recognise control tokens written in the text (for rendered chat templates); false for
     *                     untrusted user text, whose {@code <|im_start|>} is then tokenized as plain characters
     */
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        Objects.requireNonNull(text, "text");
        IntList out = new IntList();
        if (addBos && this.addBos) out.add(bos);
        if (!text.isEmpty()) {
            for (Fragment f : partition(text, parseSpecial)) {
                if (f.token >= 0) out.add(f.token);
                else encodeText(text, f.start, f.end, out);
            }
        }
        if (addBos && this.addEos) out.add(eos);
        return out.toArray();
    }

    /** A piece of the input: either a special token or a span of plain text. */
    private record Fragment(int start, int end, int token) {
        static Fragment text(int start, int end) {
            return new Fragment(start, end, -1);
        }
    }

    /**
     * Cuts special tokens out of the text. Like llama.cpp, each special token in turn (longest first) is searched
     * in every remaining text span, left to right; so a longer token wins over a shorter one it contains. The
     * search for one token is a single forward pass over the text (occurrences found past the current span are
     * kept for the next spans), so this costs O(specials × text length) at worst.
     */
    private List<Fragment> partition(String text, boolean parseSpecial) {
        List<Fragment> frags = new ArrayList<>();
        frags.add(Fragment.text(0, text.length()));
        for (int id : specials) {
            TokenType type = types[id];
            if (!parseSpecial && type != TokenType.USER_DEFINED) continue;
            String t = tokens[id];
            int first = text.indexOf(t);
            if (first < 0) continue;
            List<Fragment> next = new ArrayList<>(frags.size() + 2);
            int found = first;
            for (Fragment f : frags) {
                if (f.token >= 0) {
                    next.add(f);
                    continue;
                }
                int from = f.start;
                while (true) {
                    if (found >= 0 && found < from) found = text.indexOf(t, from);
                    if (found < 0 || found + t.length() > f.end) break;
                    if (found > from) next.add(Fragment.text(from, found));
                    next.add(new Fragment(found, found + t.length(), id));
                    from = found + t.length();
                }
                if (from < f.end) next.add(Fragment.text(from, f.end));
            }
            frags = next;
        }
        return frags;
    }

    /** Plain text {@code text[start, end)}: split into words, each word byte-level BPE encoded. */
    private void encodeText(String text, int start, int end, IntList out) {
        int[] cps = new int[end - start];
        int n = 0;
        for (int i = start; i < end; ) {
            char c = text.charAt(i);
            int cp;
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))) {
                cp = Character.toCodePoint(c, text.charAt(i + 1));
                i += 2;
            } else {
                // A lone surrogate cannot be UTF-8 encoded; llama.cpp turns invalid input into U+FFFD too.
                cp = Character.isSurrogate(c) ? 0xFFFD : c;
                i++;
            }
            cps[n++] = cp;
        }
        int[] byteOffset = new int[n + 1];
        byte[] utf8 = new byte[n * 4];
        int b = 0;
        for (int i = 0; i < n; i++) {
            byteOffset[i] = b;
            b = putUtf8(cps[i], utf8, b);
        }
        byteOffset[n] = b;
        int wordStart = 0;
        for (int wordEnd : Llama3Splitter.wordEnds(cps, n)) {
            bpe.encodeWord(ByteLevel.encode(utf8, byteOffset[wordStart], byteOffset[wordEnd]), out);
            wordStart = wordEnd;
        }
    }

    private static int putUtf8(int cp, byte[] out, int at) {
        if (cp < 0x80) {
            out[at++] = (byte) cp;
        } else if (cp < 0x800) {
            out[at++] = (byte) (0xC0 | (cp >> 6));
            out[at++] = (byte) (0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[at++] = (byte) (0xE0 | (cp >> 12));
            out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[at++] = (byte) (0x80 | (cp & 0x3F));
        } else {
            out[at++] = (byte) (0xF0 | (cp >> 18));
            out[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[at++] = (byte) (0x80 | (cp & 0x3F));
        }
        return at;
    }

    // ---- decoding ---------------------------------------------------------------------------------------------

    /**
     * Text for token ids: the concatenated bytes of each token's piece, read as UTF-8 (bytes that do not form
     * valid UTF-8, e.g. a character cut off at the end, become U+FFFD). Control and unknown tokens are shown as
     * their text unless {@code skipSpecial}. Unlike llama.cpp's {@code detokenize} no "clean-up" of spaces before
     * punctuation is done: it is lossy, and llama.cpp's own generation output (token by token) does not do it either.
     */
    public String decode(int[] ids, boolean skipSpecial) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) out.writeBytes(pieceBytes(id, skipSpecial));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A decoder for ids arriving one at a time that only ever returns whole UTF-8 characters. */
    public StreamingDecoder streamingDecoder(boolean skipSpecial) {
        return new StreamingDecoder(this, skipSpecial);
    }

    /**
     * The bytes a token contributes to decoded output: UTF-8, but possibly only part of a multi-byte character
     * (byte-level BPE splits rare characters into their bytes). Control tokens give their text.
     */
    public byte[] tokenBytes(int id) {
        return pieceBytes(id, false).clone();
    }

    /** The raw bytes a token contributes to output (shared array: do not modify). */
    byte[] pieceBytes(int id, boolean skipSpecial) {
        checkId(id);
        TokenType t = types[id];
        if (skipSpecial && (t == TokenType.CONTROL || t == TokenType.UNKNOWN)) return new byte[0];
        return pieceBytes[id];
    }

    private static byte[] renderPiece(String text, TokenType type) {
        return switch (type) {
            case CONTROL, UNKNOWN, USER_DEFINED -> text.getBytes(StandardCharsets.UTF_8);
            case NORMAL -> byteLevelDecode(text);
            case BYTE -> new byte[]{(byte) byteTokenValue(text)};
            // llama.cpp outputs nothing for unused and undefined tokens.
            case UNUSED, UNDEFINED -> new byte[0];
        };
    }

    private static byte[] byteLevelDecode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        text.codePoints().forEach(cp -> {
            int b = ByteLevel.decode(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                // Not a byte-level character (a malformed vocabulary): made visible the way llama.cpp does.
                StringBuilder s = new StringBuilder("[UNK_BYTE_0x");
                for (byte u : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    s.append(String.format("%02x", u & 0xFF));
                }
                s.append(text).append(']');
                out.writeBytes(s.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }

    /** The byte of a byte token, written {@code <0xHH>}; 0 when the text is not of that form (as strtol gives). */
    private static int byteTokenValue(String text) {
        if (text.length() >= 5) {
            int hi = Character.digit(text.charAt(3), 16);
            int lo = Character.digit(text.charAt(4), 16);
            if (hi >= 0 && lo >= 0) return hi * 16 + lo;
        }
        return 0;
    }

    // ---- vocabulary -------------------------------------------------------------------------------------------

    public int vocabSize() {
        return tokens.length;
    }

    /** BOS id, or -1 when the model has none. */
    public int bos() {
        return bos;
    }

    /** EOS id, or -1 when the model has none. */
    public int eos() {
        return eos;
    }

    /** Whether {@link #encode} with {@code addBos} puts BOS in front ({@code tokenizer.ggml.add_bos_token}). */
    public boolean addsBos() {
        return addBos;
    }

    /** The token's text as stored in the vocabulary, e.g. {@code Ġworld} for " world", {@code <|im_end|>}. */
    public String piece(int id) {
        checkId(id);
        return tokens[id];
    }

    /** The id of the token whose stored text is exactly {@code tokenText}, or -1. */
    public int tokenId(String tokenText) {
        Integer id = ids.get(tokenText);
        return id == null ? -1 : id;
    }

    public TokenType tokenType(int id) {
        checkId(id);
        return types[id];
    }

    /** Control tokens: chat and tool markup, BOS/EOS; only produced from text when parseSpecial is on. */
    public boolean isControl(int id) {
        return tokenType(id) == TokenType.CONTROL;
    }

    /**
     * Whether generating this token ends generation: EOS and the tokens llama.cpp recognises by text as
     * end-of-turn ({@code <|im_end|>}, {@code <|endoftext|>}, ...).
     */
    public boolean isEndOfGeneration(int id) {
        checkId(id);
        return endOfGeneration[id];
    }

    private void checkId(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + tokens.length + ")");
        }
    }

    @Override
    public String toString() {
        return "Tokenizer[" + tokens.length + " tokens, " + bpe.mergeCount() + " merges, " + specials.length
                + " special, bos=" + bos + ", eos=" + eos + "]";
    }
}
