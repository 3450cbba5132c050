package io.github.lfm4j.runner.engine;

import static io.github.lfm4j.kernels.cache.KvCacheType.F32;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Session state handling: batching, rewind/continue, reset and context limits, on the tiny F32 model. */
class SessionTest {
    static Lfm2Model model;
    static final int[] A = new Random(1).ints(19, 0, 3000).toArray();
    static final int[] B = new Random(2).ints(11, 0, 3000).toArray();

    @BeforeAll
    static void load() {
        model = Lfm2Model.load(Fixtures.model("tiny-f32.gguf"), 1);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static float[] tokenByToken(Session s, int[] tokens) {
        float[] l = null;
        for (int t : tokens) l = s.decode(t);
        return l.clone();
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4, "logit " + i);
        }
    }

    @Test
    void batchedPrefillEqualsTokenByTokenDecodeForAnyBatchSize() {
        float[] expected = tokenByToken(model.newSession(64, F32, F32), A);
        for (int batch : new int[]{1, 4, 7, 19, 128}) {
            Session s = model.newSession(64, batch, F32, F32);
            assertClose(expected, s.prefill(A).clone());
            assertEquals(A.length, s.position());
        }
    }

    @Test
    void secondTurnAfterRewindEqualsFreshRunOverWholeConversation() {
        Session s = model.newSession(64, 8, F32, F32);
        s.prefill(A);                                   // turn 1 prompt, rewind point at A.length
        for (int t : new int[]{5, 6, 7}) s.decode(t);   // generated answer, which the next prompt re-encodes differently
        assertFalse(s.canRewindTo(A.length + 1));
        assertThrows(IllegalArgumentException.class, () -> s.rewind(A.length + 1));
        assertEquals(A.length, s.rewindPointAtOrBefore(A.length + 2));
        s.rewind(A.length);
        assertEquals(A.length, s.position());
        float[] continued = s.prefill(B).clone();

        float[] fresh = model.newSession(64, F32, F32).prefill(concat(A, B)).clone();
        assertClose(fresh, continued);
        // continuing after decode steps (no rewind) also equals a fresh run
        float[] next = s.decode(42).clone();
        float[] freshNext = tokenByToken(model.newSession(64, F32, F32), concat(concat(A, B), new int[]{42}));
        assertClose(freshNext, next);
    }

    @Test
    void rewindToAnEarlierPrefillEndRestoresConvState() {
        Session s = model.newSession(64, F32, F32);
        s.prefill(Arrays.copyOf(A, 5));
        s.prefill(Arrays.copyOfRange(A, 5, 12));
        s.prefill(B);
        s.rewind(5);                      // back past two later prefills
        assertFalse(s.canRewindTo(12));   // later rewind points are gone
        float[] got = s.prefill(Arrays.copyOfRange(A, 5, A.length)).clone();
        assertClose(model.newSession(64, F32, F32).prefill(A).clone(), got);
    }

    @Test
    void resetStartsOver() {
        Session s = model.newSession(64, F32, F32);
        float[] first = s.prefill(A).clone();
        s.decode(3);
        s.reset();
        assertEquals(0, s.position());
        assertClose(first, s.prefill(A).clone());
        s.rewind(0);
        assertEquals(0, s.position());
        assertClose(first, s.prefill(A).clone());
    }

    @Test
    void contextOverflowIsAClearOneLineError() {
        Session s = model.newSession(24, F32, F32);
        var e = assertThrows(IllegalArgumentException.class, () -> s.checkCapacity(20, 10));
        assertEquals("prompt of 20 tokens + 10 to generate exceeds the context of 24 tokens", e.getMessage());
        s.prefill(A);   // 19 tokens
        var e2 = assertThrows(IllegalArgumentException.class, () -> s.prefill(B));
        assertEquals("prompt of 11 tokens at position 19 exceeds the context of 24 tokens", e2.getMessage());
        assertEquals(19, s.position());  // a rejected prefill changes nothing
        for (int i = 0; i < 5; i++) s.decode(1);
        var e3 = assertThrows(IllegalStateException.class, () -> s.decode(1));
        assertTrue(e3.getMessage().contains("context of 24 tokens is full"));
        var e4 = assertThrows(IllegalArgumentException.class, () -> model.newSession(model.config().contextLength() + 1));
        assertFalse(e4.getMessage().contains("\n"));
    }

    @Test
    void invalidTokensAreRejectedBeforeAnyStateChanges() {
        Session s = model.newSession(64, F32, F32);
        int vocab = model.config().vocabSize();
        var e = assertThrows(IllegalArgumentException.class, () -> s.prefill(new int[]{1, vocab}));
        assertEquals("token id " + vocab + " is out of range [0, " + vocab + ")", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.decode(-1));
        assertThrows(IllegalArgumentException.class, () -> s.prefill(new int[0]));
        assertEquals(0, s.position());
    }

    @Test
    void sessionsOfOneModelAreIndependent() {
        Session a = model.newSession(64, F32, F32), b = model.newSession(64, F32, F32);
        a.prefill(B);
        float[] fromB = b.prefill(A).clone();
        a.decode(9);
        assertArrayEquals(fromB, model.newSession(64, F32, F32).prefill(A).clone());
    }
}
