package io.github.lfm4j.model.tokenizer;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns one pre-tokenized word (already in byte-level characters, one char per UTF-8 byte) into token ids, the way
 * llama.cpp's BPE session does: start from single characters, repeatedly merge the adjacent pair with the lowest
 * rank in {@code tokenizer.ggml.merges} (ties: leftmost first), then look each final symbol up in the vocabulary.
 * Candidate pairs live in a heap and symbols in a linked list, so a word of n bytes costs O(n log n), never O(n²).
 *
 * <p>Results are cached per word (text is highly repetitive); the cache is thread-safe and bounded.
 */
final class BytePairEncoder {

    private static final int CACHE_MAX_ENTRIES = 1 << 16;
    private static final int CACHE_MAX_WORD_LENGTH = 64;

    private final Map<String, Integer> tokenIds;
    /** Merge rank by {@code left + ' ' + right}; no symbol contains a space (spaces are stored as Ġ). */
    private final Map<String, Integer> ranks;
    private final boolean ignoreMerges;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    BytePairEncoder(Map<String, Integer> tokenIds, String[] merges, boolean ignoreMerges) {
        this.tokenIds = tokenIds;
        this.ignoreMerges = ignoreMerges;
        this.ranks = new HashMap<>(merges.length * 2);
        for (int rank = 0; rank < merges.length; rank++) {
            String m = merges[rank];
            // Split at the first space after the first character, as llama.cpp does; a line without one is kept
            // as an unusable entry so that later lines keep their rank (their index).
            int sp = m.indexOf(' ', 1);
            String key = sp < 0 ? " " : m.substring(0, sp) + ' ' + m.substring(sp + 1);
            ranks.putIfAbsent(key, rank);
        }
    }

    int mergeCount() {
        return ranks.size();
    }

    void encodeWord(String word, IntList out) {
        boolean cacheable = word.length() <= CACHE_MAX_WORD_LENGTH;
        if (cacheable) {
            int[] hit = cache.get(word);
            if (hit != null) {
                out.addAll(hit);
                return;
            }
        }
        int[] ids = encodeUncached(word);
        if (cacheable) {
            if (cache.size() >= CACHE_MAX_ENTRIES) cache.clear();
            cache.put(word, ids);
        }
        out.addAll(ids);
    }

    private int[] encodeUncached(String word) {
        IntList out = new IntList();
        if (ignoreMerges) {
            // llama.cpp's ignore_merges: a word that is itself a vocabulary entry is emitted whole.
            Integer whole = tokenIds.get(word);
            if (whole != null) {
                out.add(whole);
                return out.toArray();
            }
        }
        int n = word.length();
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            len[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        MergeQueue queue = new MergeQueue();
        char[] keyBuf = new char[n + 1];
        for (int i = 1; i < n; i++) addPair(word, i - 1, i, len, queue, keyBuf);

        while (!queue.isEmpty()) {
            int left = queue.topLeft();
            int pairLength = queue.topPairLength();
            queue.pop();
            int right = next[left];
            // Skip entries made stale by an earlier merge of either symbol (lengths only grow or drop to 0).
            if (len[left] == 0 || right < 0 || len[left] + len[right] != pairLength) continue;
            len[left] += len[right];
            len[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            if (prev[left] >= 0) addPair(word, prev[left], left, len, queue, keyBuf);
            if (next[left] >= 0) addPair(word, left, next[left], len, queue, keyBuf);
        }

        // Symbols start at their index (symbol i always begins at char i), and symbol 0 is never merged away.
        for (int i = 0; i != -1; i = next[i]) {
            String symbol = word.substring(i, i + len[i]);
            Integer id = tokenIds.get(symbol);
            if (id != null) {
                out.add(id);
                continue;
            }
            // Not in the vocabulary: llama.cpp falls back to looking up each single UTF-8 byte of the symbol's
            // text, which can only succeed for ASCII characters; the others are dropped, as there.
            for (int k = 0; k < symbol.length(); k++) {
                char c = symbol.charAt(k);
                if (c >= 0x80) continue;
                Integer b = tokenIds.get(String.valueOf(c));
                if (b != null) out.add(b);
            }
        }
        return out.toArray();
    }

    private void addPair(String word, int left, int right, int[] len, MergeQueue queue, char[] keyBuf) {
        int ll = len[left];
        int rl = len[right];
        word.getChars(left, left + ll, keyBuf, 0);
        keyBuf[ll] = ' ';
        word.getChars(right, right + rl, keyBuf, ll + 1);
        Integer rank = ranks.get(new String(keyBuf, 0, ll + 1 + rl));
        if (rank != null) queue.push(rank, left, ll + rl);
    }
}
