package io.github.lfm4j.runner.generation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StopStringFilterTest {

    /** Feeds {@code deltas}; returns everything released (and asserts that no released piece ends inside a stop). */
    private static String run(StopStringFilter f, String... deltas) {
        StringBuilder out = new StringBuilder();
        for (String d : deltas) out.append(f.accept(d));
        return out.append(f.finish()).toString();
    }

    @Test
    void stopSplitAcrossDeltasIsNeverReleasedInPart() {
        StopStringFilter f = new StopStringFilter(List.of("STOP"));
        assertEquals("Hello ", f.accept("Hello S"));
        assertEquals("", f.accept("T"));
        assertEquals("", f.accept("O"));
        assertEquals("", f.accept("P and more"));
        assertEquals("STOP", f.matched());
        assertEquals("", f.accept("after"));
        assertEquals("", f.finish());
    }

    @Test
    void falseStartIsReleasedOnceDecided() {
        StopStringFilter f = new StopStringFilter(List.of("STOP"));
        assertEquals("a ", f.accept("a ST"));
        assertEquals("STx", f.accept("x"));
        assertNull(f.matched());
        assertEquals("STO", run(new StopStringFilter(List.of("STOP")), "ST", "O"));
    }

    @Test
    void earliestOfSeveralStopsWins() {
        StopStringFilter f = new StopStringFilter(List.of("world", "lo w"));
        assertEquals("Hel", run(f, "Hello world"));
        assertEquals("lo w", f.matched());
    }

    @Test
    void noStopsPassesEverythingThrough() {
        StopStringFilter f = new StopStringFilter(List.of());
        assertEquals("abc", f.accept("abc"));
        assertEquals("", f.finish());
    }

    /** Random texts cut at random points: output == text up to the first stop, released pieces never hold a partial stop. */
    @Test
    void randomSplitsAgreeWithAPlainSearch() {
        Random rnd = new Random(7);
        List<String> stops = List.of("ab", "bba", "\n\n");
        for (int trial = 0; trial < 2000; trial++) {
            StringBuilder text = new StringBuilder();
            int len = rnd.nextInt(20);
            for (int i = 0; i < len; i++) text.append("ab\nc".charAt(rnd.nextInt(4)));
            String t = text.toString();
            int cut = t.length();
            for (String s : stops) {
                int i = t.indexOf(s);
                if (i >= 0) cut = Math.min(cut, i);
            }
            StopStringFilter f = new StopStringFilter(stops);
            StringBuilder out = new StringBuilder();
            int pos = 0;
            while (pos < t.length()) {
                int n = 1 + rnd.nextInt(4);
                String piece = f.accept(t.substring(pos, Math.min(t.length(), pos + n)));
                out.append(piece);
                assertTrue(cut >= out.length(), "released past the stop: " + t);
                pos += n;
            }
            out.append(f.finish());
            assertEquals(t.substring(0, cut), out.toString(), t);
            assertEquals(cut < t.length(), f.matched() != null);
            assertFalse(out.toString().contains("ab"));
        }
    }
}
