package io.github.lfm4j.model.chat.thinking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ReasoningSplitterTest {

    static Stream<Arguments> cases() {
        // text, promptOpened, expected reasoning, expected content, closed
        return Stream.of(
                Arguments.of("<think>plan</think>answer", false, "plan", "answer", true),
                Arguments.of("<think>\nLet me think. 🤔\n</think>\n\nLa réponse est 42.", false, "\nLet me think. 🤔\n", "\n\nLa réponse est 42.", true),
                Arguments.of("no thinking here", false, "", "no thinking here", true),
                Arguments.of("  \n<think>x</think>y", false, "x", "y", true),
                Arguments.of("<think>still thinking", false, "still thinking", "", false),
                Arguments.of("<think>a</think>b</think>c<think>d", false, "a", "b</think>c<think>d", true),
                Arguments.of("reasoning from prompt</think>answer", true, "reasoning from prompt", "answer", true),
                Arguments.of("partial only", true, "partial only", "", false),
                Arguments.of("<thin", false, "", "<thin", true),
                Arguments.of("a<think>b</think>", false, "", "a<think>b</think>", true),
                Arguments.of("<think></think>", false, "", "", true),
                Arguments.of("<think>x </thinkx> y</think>z", false, "x </thinkx> y", "z", true),
                Arguments.of("<think>考えています…</think>答え：東京", false, "考えています…", "答え：東京", true),
                Arguments.of("", false, "", "", true));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void oneShot(String text, boolean opened, String reasoning, String content, boolean closed) {
        assertEquals(new ReasoningSplit(reasoning, content, closed), ReasoningSplitter.split(text, opened));
    }

    /** Every way of cutting the text into deltas (random cut points, and one char at a time) gives the same split. */
    @ParameterizedTest
    @MethodSource("cases")
    void streamingMatchesOneShotForAnyChunking(String text, boolean opened, String reasoning, String content, boolean closed) {
        Random rnd = new Random(text.hashCode());
        for (int trial = 0; trial < 200; trial++) {
            List<String> chunks = new ArrayList<>();
            int i = 0;
            while (i < text.length()) {
                int len = trial == 0 ? 1 : 1 + rnd.nextInt(6);
                int end = Math.min(text.length(), i + len);
                if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) end++;
                chunks.add(text.substring(i, end));
                i = end;
            }
            ReasoningSplitter s = new ReasoningSplitter(opened);
            StringBuilder r = new StringBuilder();
            StringBuilder c = new StringBuilder();
            for (String ch : chunks) {
                ReasoningDelta d = s.accept(ch);
                r.append(d.reasoning());
                c.append(d.content());
            }
            ReasoningDelta last = s.finish();
            r.append(last.reasoning());
            c.append(last.content());
            assertEquals(reasoning, r.toString(), "chunks " + chunks);
            assertEquals(content, c.toString(), "chunks " + chunks);
        }
    }

    @Test
    void holdsBackOnlyWhatCouldBeATag() {
        ReasoningSplitter s = new ReasoningSplitter(false);
        assertEquals(ReasoningDelta.EMPTY, s.accept("<thi"));
        assertEquals(ReasoningSplitter.State.START, s.state());
        assertEquals(new ReasoningDelta("abc", ""), s.accept("nk>abc</"));
        assertEquals(ReasoningSplitter.State.REASONING, s.state());
        assertEquals(new ReasoningDelta("</x", ""), s.accept("x"));
        assertEquals(new ReasoningDelta("", ""), s.accept("</th"));
        assertEquals(new ReasoningDelta("", "Answer"), s.accept("ink>Answer"));
        assertEquals(ReasoningSplitter.State.CONTENT, s.state());
        assertEquals(new ReasoningDelta("", " more"), s.accept(" more"));
        assertEquals(ReasoningDelta.EMPTY, s.finish());
    }
}
