package io.github.lfm4j.model.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles parsed GBNF rules to the flat byte-level form of {@link Grammar}, llama.cpp's way: a group becomes a rule
 * of its own, {@code x*} the right-recursive {@code R ::= x R | ε}, {@code x{m,n}} m copies of x followed by n-m
 * nested optionals, and a character class the alternatives of its UTF-8 byte-range sequences. Left recursion
 * (which a top-down matcher cannot run) is reported as an error.
 */
final class GrammarCompiler {
    private final Map<String, GbnfNode> rules;
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<List<int[]>> bodies = new ArrayList<>();
    private final List<long[]> sets = new ArrayList<>();
    private final Map<String, Integer> setIndex = new HashMap<>();
    private final Map<String, Integer> classRules = new HashMap<>();
    private final List<String> tokens = new ArrayList<>();

    private GrammarCompiler(Map<String, GbnfNode> rules) {
        this.rules = rules;
    }

    static Grammar compile(Map<String, GbnfNode> rules, String start, String source) {
        if (!rules.containsKey(start)) throw new GrammarException("grammar: no '" + start + "' rule");
        GrammarCompiler c = new GrammarCompiler(rules);
        for (String name : rules.keySet()) c.newRule(name);
        for (Map.Entry<String, GbnfNode> e : rules.entrySet()) {
            c.bodies.set(c.index.get(e.getKey()), c.alternatives(e.getValue(), e.getKey()));
        }
        return c.finish(c.index.get(start), source);
    }

    private int newRule(String name) {
        int id = names.size();
        names.add(name);
        bodies.add(null);
        index.putIfAbsent(name, id);
        return id;
    }

    private int syntheticRule(String base, List<int[]> body) {
        int id = newRule(base + "-" + names.size());
        bodies.set(id, body);
        return id;
    }

    private List<int[]> alternatives(GbnfNode node, String rule) {
        List<int[]> out = new ArrayList<>();
        if (node instanceof GbnfNode.Alt alt) {
            for (GbnfNode o : alt.options()) out.add(sequence(o, rule));
        } else {
            out.add(sequence(node, rule));
        }
        return out;
    }

    private int[] sequence(GbnfNode node, String rule) {
        IntBuffer out = new IntBuffer();
        append(node, rule, out);
        return out.toArray();
    }

    private void append(GbnfNode node, String rule, IntBuffer out) {
        switch (node) {
            case GbnfNode.Seq s -> {
                for (GbnfNode i : s.items()) append(i, rule, out);
            }
            case GbnfNode.Literal l -> {
                for (int cp : l.codePoints()) {
                    for (byte b : Utf8Ranges.encode(cp)) out.add(byteSet(b & 0xFF, b & 0xFF));
                }
            }
            case GbnfNode.CharClass c -> appendClass(Utf8Ranges.normalize(c.ranges(), c.negated()), rule, out);
            case GbnfNode.Any a -> appendClass(Utf8Ranges.normalize(new int[]{0, Utf8Ranges.MAX}, false), rule, out);
            case GbnfNode.Ref r -> {
                Integer id = index.get(r.name());
                if (id == null || !rules.containsKey(r.name())) {
                    throw new GrammarException("grammar: line " + r.line() + ": undefined rule '" + r.name() + "'");
                }
                out.add(ref(id));
            }
            case GbnfNode.Alt a -> out.add(ref(syntheticRule(rule, alternatives(a, rule))));
            case GbnfNode.Token t -> {
                int i = tokens.indexOf(t.text());
                if (i < 0) {
                    tokens.add(t.text());
                    i = tokens.size() - 1;
                }
                out.add(Grammar.TOKEN_BASE + i);
            }
            case GbnfNode.Repeat r -> appendRepeat(r, rule, out);
        }
    }

    private void appendRepeat(GbnfNode.Repeat r, String rule, IntBuffer out) {
        int[] item = sequence(r.item(), rule);
        for (int i = 0; i < r.min(); i++) out.addAll(item);
        if (r.max() < 0) {
            // R ::= item R | ε
            int id = newRule(rule + "-" + names.size());
            bodies.set(id, List.of(concat(item, new int[]{ref(id)}), new int[0]));
            out.add(ref(id));
        } else if (r.max() > r.min()) {
            // R1 ::= item | ε ; Rk ::= item R(k-1) | ε
            int inner = syntheticRule(rule, List.of(item, new int[0]));
            for (int k = 2; k <= r.max() - r.min(); k++) {
                inner = syntheticRule(rule, List.of(concat(item, new int[]{ref(inner)}), new int[0]));
            }
            out.add(ref(inner));
        }
    }

    private void appendClass(int[] normalized, String rule, IntBuffer out) {
        if (normalized.length == 0) throw new GrammarException("grammar: rule '" + rule + "': character class matches nothing");
        List<int[]> seqs = Utf8Ranges.sequences(normalized);
        if (seqs.stream().allMatch(s -> s.length == 2)) {
            long[] set = new long[4];
            for (int[] s : seqs) for (int b = s[0]; b <= s[1]; b++) set[b >>> 6] |= 1L << (b & 63);
            out.add(internSet(set));
            return;
        }
        String key = Arrays.toString(normalized);
        Integer id = classRules.get(key);
        if (id == null) {
            List<int[]> body = new ArrayList<>();
            // the one-byte sequences share one set, so ASCII costs one stack, not one per range
            long[] ascii = new long[4];
            boolean anyAscii = false;
            for (int[] s : seqs) {
                if (s.length == 2) {
                    for (int b = s[0]; b <= s[1]; b++) ascii[b >>> 6] |= 1L << (b & 63);
                    anyAscii = true;
                } else {
                    int[] seq = new int[s.length / 2];
                    for (int i = 0; i < seq.length; i++) seq[i] = byteSet(s[2 * i], s[2 * i + 1]);
                    body.add(seq);
                }
            }
            if (anyAscii) body.addFirst(new int[]{internSet(ascii)});
            id = syntheticRule(rule + "-char", body);
            classRules.put(key, id);
        }
        out.add(ref(id));
    }

    private int byteSet(int lo, int hi) {
        long[] set = new long[4];
        for (int b = lo; b <= hi; b++) set[b >>> 6] |= 1L << (b & 63);
        return internSet(set);
    }

    private int internSet(long[] set) {
        return setIndex.computeIfAbsent(Arrays.toString(set), k -> {
            sets.add(set);
            return sets.size() - 1;
        });
    }

    private static int ref(int rule) {
        return -rule - 2;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private Grammar finish(int root, String source) {
        checkLeftRecursion();
        IntBuffer code = new IntBuffer();
        int[][] alts = new int[bodies.size()][];
        for (int r = 0; r < bodies.size(); r++) {
            List<int[]> body = bodies.get(r);
            alts[r] = new int[body.size()];
            for (int a = 0; a < body.size(); a++) {
                alts[r][a] = code.size();
                code.addAll(body.get(a));
                code.add(Grammar.END);
            }
        }
        code.add(Grammar.END); // so that "the element after the last one" is always readable
        long[] flat = new long[sets.size() * 4];
        for (int i = 0; i < sets.size(); i++) System.arraycopy(sets.get(i), 0, flat, 4 * i, 4);
        return new Grammar(code.toArray(), alts, flat, names.toArray(String[]::new), root, source,
                tokens.toArray(String[]::new));
    }

    /** A rule that can reach itself without consuming a byte would make the matcher expand forever. */
    private void checkLeftRecursion() {
        int n = bodies.size();
        boolean[] nullable = new boolean[n];
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int r = 0; r < n; r++) {
                if (nullable[r]) continue;
                for (int[] alt : bodies.get(r)) {
                    boolean all = true;
                    for (int c : alt) if (c >= 0 || !nullable[-c - 2]) { all = false; break; }
                    if (all) { nullable[r] = changed = true; break; }
                }
            }
        }
        int[] state = new int[n]; // 0 new, 1 on the path, 2 done
        for (int r = 0; r < n; r++) if (state[r] == 0) visit(r, nullable, state);
    }

    private void visit(int r, boolean[] nullable, int[] state) {
        state[r] = 1;
        for (int[] alt : bodies.get(r)) {
            for (int c : alt) {
                if (c >= 0) break;
                int s = -c - 2;
                if (state[s] == 1) {
                    throw new GrammarException("grammar: rule '" + displayName(s)
                            + "' is left-recursive (it can reach itself without matching a character)");
                }
                if (state[s] == 0) visit(s, nullable, state);
                if (!nullable[s]) break;
            }
        }
        state[r] = 2;
    }

    private String displayName(int rule) {
        String n = names.get(rule);
        // synthetic rules are "<rule>-<number>": name the rule the user wrote
        while (!rules.containsKey(n) && n.lastIndexOf('-') > 0) n = n.substring(0, n.lastIndexOf('-'));
        return n;
    }

    private static final class IntBuffer {
        private int[] a = new int[16];
        private int n;

        void add(int v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        void addAll(int[] v) {
            for (int x : v) add(x);
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
