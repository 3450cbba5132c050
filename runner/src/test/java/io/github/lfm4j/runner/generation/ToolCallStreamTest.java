package io.github.lfm4j.runner.generation;

import io.github.lfm4j.model.chat.tools.ToolCallParseResult;
import io.github.lfm4j.model.chat.tools.ToolCallParser;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolCallStreamTest {
    private static final String ANSWER = "Let me check. <|tool_call_start|>[get_weather(city=\"Paris\", days=3)]"
            + "<|tool_call_end|>Then <|tool_call_start|>[a(x=1), b(y=[1, 2])]<|tool_call_end|> done <|tool_call_";

    /** However the answer is cut into deltas, the stream gives what the whole-text parser gives. */
    @Test
    void streamedEqualsWholeTextParse() {
        ToolCallParseResult whole = ToolCallParser.parse(ANSWER);
        Random rnd = new Random(3);
        for (int trial = 0; trial < 300; trial++) {
            ToolCallStream s = new ToolCallStream();
            StringBuilder content = new StringBuilder();
            int events = 0, pos = 0;
            while (pos < ANSWER.length()) {
                int n = 1 + rnd.nextInt(trial % 2 == 0 ? 3 : 30);
                ToolCallStream.Output o = s.accept(ANSWER.substring(pos, Math.min(ANSWER.length(), pos + n)));
                assertTrue(!o.content().contains("<|tool"), o.content());
                content.append(o.content());
                events += o.calls().size();
                pos += n;
            }
            ToolCallStream.Output end = s.finish();
            content.append(end.content());
            events += end.calls().size();
            assertEquals(whole.calls(), s.calls());
            assertEquals(3, events);
            // the trailing unfinished start marker is ordinary text once the stream ends outside a block
            assertEquals(whole.content(), content.toString());
        }
        assertEquals("get_weather", whole.calls().getFirst().name());
        assertEquals("{\"city\":\"Paris\",\"days\":3}", whole.calls().getFirst().arguments().toString());
    }

    @Test
    void blockTheStreamEndsInsideIsParsedAtTheEnd() {
        ToolCallStream s = new ToolCallStream();
        ToolCallStream.Output o = s.accept("<|tool_call_start|>[f(a=\"x\")]");
        assertEquals("", o.content());
        assertTrue(o.calls().isEmpty());
        ToolCallStream.Output end = s.finish();
        assertEquals(1, end.calls().size());
        assertEquals("f", end.calls().getFirst().name());
    }

    @Test
    void brokenBlockBecomesAnErrorNotContent() {
        ToolCallStream s = new ToolCallStream();
        ToolCallStream.Output o = s.accept("A<|tool_call_start|>[f(1)]<|tool_call_end|>B");
        assertEquals("AB", o.content() + s.finish().content());
        assertTrue(s.calls().isEmpty());
        assertEquals(1, s.errors().size());
    }
}
