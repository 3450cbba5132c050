package io.github.lfm4j.model.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link Grammar} over bytes with llama.cpp's stack method: the state is the set of parse stacks that are
 * still alive, each stack topped by the byte set its next byte must be in; a byte advances every stack it fits and
 * the survivors are expanded through rule references until they are topped by byte sets again. An empty stack means
 * the grammar is complete.
 *
 * <p>Everything is cached: stacks are interned (equal stacks are the same object), states are interned sets of
 * stacks, each state remembers the state every byte leads to, and, with a {@link VocabularyTrie}, its token mask.
 * So a mask is computed by walking the vocabulary trie only the first time a state is seen (the walk stops at the
 * first byte no stack accepts), and a state that comes back, as the "inside a string" state does after every
 * character, costs a lookup. Not thread-safe: one matcher per generation.
 */
public final class GrammarMatcher {
    /** When this many states exist the caches start afresh, so a long generation cannot exhaust the heap. */
    private static final int MAX_STATES = 20_000;

    private final Grammar g;
    private final VocabularyTrie trie;
    private final Map<StackKey, Stack> stacks = new HashMap<>();
    private final Map<StateKey, State> states = new HashMap<>();
    private int nextStackId = 1;
    private State current;
    private final State dead;

    /** @param trie the vocabulary for {@link #allowedTokens()}; may be null when only bytes are matched */
    public GrammarMatcher(Grammar grammar, VocabularyTrie trie) {
        this.g = grammar;
        this.trie = trie;
        this.dead = new State(new Stack[0], new int[0]);
        List<Stack> init = new ArrayList<>();
        for (int alt : g.ruleAlts[g.root]) expand(alt, null, init);
        this.current = intern(init);
    }

    /** The grammar can end here: the bytes so far are a sentence. */
    public boolean isComplete() {
        return current.accepting;
    }

    /** Some byte can still follow (false when the grammar is complete and nothing more fits). */
    public boolean canContinue() {
        return current.stacks.length > (current.accepting ? 1 : 0);
    }

    /** Feeds bytes; returns false, and keeps the state as it was, when the grammar does not allow them. */
    public boolean accept(byte[] bytes) {
        State s = current;
        for (byte b : bytes) {
            s = next(s, b & 0xFF);
            if (s == dead) return false;
        }
        current = s;
        return true;
    }

    /** Whether {@link #accept} would take these bytes, without changing the state. */
    public boolean allows(byte[] bytes) {
        State s = current;
        for (byte b : bytes) {
            s = next(s, b & 0xFF);
            if (s == dead) return false;
        }
        return true;
    }

    /**
     * The tokens that may come next, as a bit set over the vocabulary ({@code (mask[id >>> 6] >>> id) & 1}):
     * those whose bytes the grammar accepts from here, and the trie's end tokens when the grammar is complete.
     * The array is shared and cached: read it, do not modify it.
     */
    public long[] allowedTokens() {
        if (trie == null) throw new IllegalStateException("this matcher has no vocabulary");
        State s = current;
        if (s.mask == null) {
            long[] mask = new long[(trie.vocabSize() + 63) >>> 6];
            walk(VocabularyTrie.ROOT, s, mask);
            if (s.accepting) for (int t : trie.endTokens()) mask[t >>> 6] |= 1L << t;
            for (Stack st : s.stacks) {
                int c = st.pos < 0 ? 0 : g.code[st.pos];
                if (c < Grammar.TOKEN_BASE) continue;
                int id = trie.specialToken(g.tokenTexts[c - Grammar.TOKEN_BASE]);
                if (id >= 0) mask[id >>> 6] |= 1L << id;
            }
            s.mask = mask;
        }
        return s.mask;
    }

    /**
     * Feeds a special token by its text (e.g. {@code <|tool_call_start|>}); returns false, keeping the state, when
     * the grammar does not allow it here.
     */
    public boolean acceptSpecial(String text) {
        List<Stack> out = new ArrayList<>();
        for (Stack st : current.stacks) {
            int c = st.pos < 0 ? 0 : g.code[st.pos];
            if (c >= Grammar.TOKEN_BASE && g.tokenTexts[c - Grammar.TOKEN_BASE].equals(text)) expand(st.pos + 1, st.next, out);
        }
        if (out.isEmpty()) return false;
        current = intern(out);
        return true;
    }

    private void walk(int node, State s, long[] mask) {
        for (int c = trie.firstChild(node); c >= 0; c = trie.nextSibling(c)) {
            State n = next(s, trie.edgeByte(c));
            if (n == dead) continue;
            for (int t = trie.firstToken(c); t >= 0; t = trie.nextToken(t)) mask[t >>> 6] |= 1L << t;
            walk(c, n, mask);
        }
    }

    private State next(State s, int b) {
        State n = s.after[b];
        if (n != null) return n;
        List<Stack> out = new ArrayList<>();
        for (Stack st : s.stacks) {
            if (st.pos < 0) continue; // the empty stack accepts nothing more
            int c = g.code[st.pos];
            if (c < Grammar.TOKEN_BASE && g.setContains(c, b)) expand(st.pos + 1, st.next, out);
        }
        n = out.isEmpty() ? dead : intern(out);
        s.after[b] = n;
        return n;
    }

    /**
     * Expands the stack "element {@code pos}, then {@code next}" until its top is a byte set, adding each result
     * once. A reference pushes its continuation (unless that is the end of the alternative: then the caller's
     * continuation is reused, so right recursion such as {@code x*} does not grow the stack).
     */
    private void expand(int pos, Stack next, List<Stack> out) {
        int c = g.code[pos];
        if (c >= 0) { // a byte set or a special token
            addOnce(out, stack(pos, next));
        } else if (c == Grammar.END) {
            if (next == null) addOnce(out, ACCEPT);
            else expand(next.pos, next.next, out);
        } else {
            Stack cont = g.code[pos + 1] == Grammar.END ? next : stack(pos + 1, next);
            for (int alt : g.ruleAlts[-c - 2]) expand(alt, cont, out);
        }
    }

    private static void addOnce(List<Stack> out, Stack s) {
        for (Stack o : out) if (o == s) return;
        out.add(s);
    }

    private Stack stack(int pos, Stack next) {
        return stacks.computeIfAbsent(new StackKey(pos, next), k -> new Stack(pos, next, nextStackId++));
    }

    private State intern(List<Stack> list) {
        if (states.size() >= MAX_STATES) {
            // forget the caches; live states keep working, they are just no longer shared
            states.clear();
            stacks.clear();
        }
        Stack[] arr = list.toArray(Stack[]::new);
        int[] ids = new int[arr.length];
        for (int i = 0; i < arr.length; i++) ids[i] = arr[i].id;
        Arrays.sort(ids);
        return states.computeIfAbsent(new StateKey(ids), k -> new State(arr, ids));
    }

    private static final Stack ACCEPT = new Stack(-1, null, 0);

    /** A parse stack: the element at {@code pos} on top of {@code next}; interned, so compared by identity. */
    private static final class Stack {
        final int pos, id;
        final Stack next;

        Stack(int pos, Stack next, int id) {
            this.pos = pos;
            this.next = next;
            this.id = id;
        }
    }

    private record StackKey(int pos, Stack next) {}

    private record StateKey(int[] ids) {
        @Override
        public boolean equals(Object o) {
            return o instanceof StateKey k && Arrays.equals(ids, k.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }
    }

    private static final class State {
        final Stack[] stacks;
        final boolean accepting;
        final State[] after = new State[256];
        long[] mask;

        State(Stack[] stacks, int[] ids) {
            this.stacks = stacks;
            this.accepting = ids.length > 0 && ids[0] == 0;
        }
    }
}
