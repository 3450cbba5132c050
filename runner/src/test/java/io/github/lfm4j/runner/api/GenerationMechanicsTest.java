package io.github.lfm4j.runner.api;

import io.github.lfm4j.model.chat.thinking.LoopGuard;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The text-level mechanics of chat generation on the tiny random model, made deterministic by scripted token
 * selectors: the model's weights run (prefill, decode, forced insertions) but the tokens are chosen by the script.
 */
class GenerationMechanicsTest {
    static LanguageModel model;
    static Tokenizer tok;

    @BeforeAll
    static void load() {
        model = TinyModel.load();
        tok = model.tokenizer();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Collects the events of one generation. */
    static final class Recorder implements GenerationListener {
        final List<GenerationEvent> events = new ArrayList<>();
        final StringBuilder reasoning = new StringBuilder(), content = new StringBuilder();

        @Override
        public boolean onEvent(GenerationEvent e) {
            events.add(e);
            switch (e) {
                case GenerationEvent.Reasoning r -> reasoning.append(r.text());
                case GenerationEvent.Content c -> content.append(c.text());
                default -> {}
            }
            return true;
        }

        List<String> texts() {
            List<String> t = new ArrayList<>();
            for (GenerationEvent e : events) {
                if (e instanceof GenerationEvent.Reasoning r) t.add(r.text());
                if (e instanceof GenerationEvent.Content c) t.add(c.text());
            }
            return t;
        }
    }

    private static GenerationResult chat(String user, GenerationOptions options, GenerationListener l) {
        return model.chatCompletion(List.of(io.github.lfm4j.model.chat.ChatMessage.user(user)), List.of(), options, l);
    }

    private static GenerationOptions scripted(TokenSelector s) {
        return GenerationOptions.greedy().withSelector(s);
    }

    @Test
    void reasoningIsSplitFromTheAnswerInStreamAndResult() {
        Recorder rec = new Recorder();
        GenerationResult r = chat("Hi", scripted(TinyModel.say(tok, "<think>\nLet me think about it.\n</think>\n\nThe answer is 42.")), rec);
        assertEquals("Let me think about it.\n", r.reasoning());
        assertEquals("The answer is 42.", r.content());
        assertEquals(r.reasoning(), rec.reasoning.toString());
        assertEquals(r.content(), rec.content.toString());
        assertEquals("<think>\nLet me think about it.\n</think>\n\nThe answer is 42.", r.text());
        assertEquals(FinishReason.STOP, r.finishReason());
        assertTrue(rec.events.getLast() instanceof GenerationEvent.Done d && d.result() == r);
        // reasoning events all come before content events
        int lastReasoning = -1, firstContent = Integer.MAX_VALUE;
        for (int i = 0; i < rec.events.size(); i++) {
            if (rec.events.get(i) instanceof GenerationEvent.Reasoning) lastReasoning = i;
            if (rec.events.get(i) instanceof GenerationEvent.Content) firstContent = Math.min(firstContent, i);
        }
        assertTrue(lastReasoning < firstContent);
        int answerTokens = tok.encode("<think>\nLet me think about it.\n</think>\n\nThe answer is 42.", false, true).length;
        assertEquals(answerTokens, r.usage().completionTokens());
        int traceTokens = tok.encode("\nLet me think about it.\n", false, false).length;
        assertEquals(traceTokens, r.usage().reasoningTokens());
        assertEquals("", r.intervention());
    }

    @Test
    void thinkingBudgetForcesTheCloseTagIntoTheModel() {
        int close = tok.tokenId("</think>");
        TokenSelector s = TinyModel.loopUntil(tok, "<think>", " and then", close, "Done.");
        GenerationResult r = chat("Hi", scripted(s).withThinkingBudget(5).withLoopGuard(null), null);
        assertEquals(5, r.usage().reasoningTokens());
        assertTrue(r.intervention().contains("thinking budget of 5 tokens"), r.intervention());
        assertEquals("Done.", r.content());
        // the script only answers once it sees </think> in the model's own history: the insertion was fed
        assertTrue(r.text().contains("</think>"), r.text());
        assertEquals("and then and then and\n", r.reasoning()); // leading space dropped; 5 tokens, then the forced close
        int inserted = tok.encode("\n</think>\n\n", false, true).length;
        assertEquals(1 + 5 + inserted + tok.encode("Done.", false, false).length, r.usage().completionTokens());
    }

    @Test
    void thinkingOffClosesTheTraceAsSoonAsItOpens() {
        int close = tok.tokenId("</think>");
        TokenSelector s = TinyModel.loopUntil(tok, "<think>", " hmm", close, "Quick answer.");
        GenerationResult r = chat("Hi", scripted(s).withThinking(false), null);
        assertEquals(0, r.usage().reasoningTokens());
        assertEquals("", r.reasoning());
        assertEquals("Quick answer.", r.content());
    }

    @Test
    void loopGuardEndsALoopingTraceAndTheModelAnswers() {
        int close = tok.tokenId("</think>");
        TokenSelector s = TinyModel.loopUntil(tok, "<think>Wait,", " let me check again.", close, "Fine.");
        GenerationResult r = chat("Hi", scripted(s).withMaxTokens(400), null);
        assertNotNull(r.loop(), r.text());
        assertTrue(r.intervention().startsWith("repetition loop"), r.intervention());
        assertEquals("Fine.", r.content());
        assertEquals(FinishReason.STOP, r.finishReason());
        assertTrue(r.usage().completionTokens() < 200, "loop ended late: " + r.usage());
    }

    @Test
    void loopGuardStopsALoopingAnswer() {
        TokenSelector s = TinyModel.loopUntil(tok, "", "la di da ", -1, "");
        GenerationResult r = chat("Hi", scripted(s).withMaxTokens(400)
                .withLoopGuard(LoopGuard.Config.defaults().withAction(LoopGuard.Action.STOP)), null);
        assertEquals(FinishReason.LOOP, r.finishReason());
        assertNotNull(r.loop());
        assertTrue(r.content().startsWith("la di da la di da"), r.content());
        assertTrue(r.usage().completionTokens() < 200);
        // without the guard the same script runs into the token limit
        GenerationResult unguarded = chat("Hi", scripted(TinyModel.loopUntil(tok, "", "la di da ", -1, ""))
                .withMaxTokens(100).withLoopGuard(null), null);
        assertEquals(FinishReason.LENGTH, unguarded.finishReason());
        assertEquals(100, unguarded.usage().completionTokens());
        assertNull(unguarded.loop());
    }

    @Test
    void stopStringsAcrossTokensNeverLeakIntoTheStream() {
        String answer = "The end is near. END OF STORY and more";
        // the stop string spans several tokens
        assertTrue(tok.encode("END OF STORY", false, false).length > 1);
        Recorder rec = new Recorder();
        GenerationResult r = chat("Hi", scripted(TinyModel.say(tok, answer)).withStop(List.of("END OF STORY", "zzz")), rec);
        assertEquals("The end is near. ", r.content());
        assertEquals("The end is near. ", r.text());
        assertEquals(FinishReason.STOP, r.finishReason());
        for (String t : rec.texts()) assertFalse(t.contains("END"), "leaked: " + rec.texts());
        assertEquals(r.content(), rec.content.toString());

        // a false start of a stop string is released once it turns out not to be one
        GenerationResult r2 = chat("Hi", scripted(TinyModel.say(tok, "END OF STORM")).withStop(List.of("END OF STORY")), null);
        assertEquals("END OF STORM", r2.content());
    }

    @Test
    void toolCallAnswerIsParsedIntoCalls() {
        Recorder rec = new Recorder();
        String answer = "<|tool_call_start|>[get_weather(city=\"Paris\", unit=\"celsius\")]<|tool_call_end|>";
        GenerationResult r = chat("Weather in Paris?", scripted(TinyModel.say(tok, answer)), rec);
        assertEquals(FinishReason.TOOL_CALLS, r.finishReason());
        assertEquals(1, r.toolCalls().size());
        assertEquals("get_weather", r.toolCalls().getFirst().name());
        assertEquals("{\"city\":\"Paris\",\"unit\":\"celsius\"}", r.toolCalls().getFirst().arguments().toString());
        assertEquals("", r.content());
        assertTrue(rec.events.stream().anyMatch(e -> e instanceof GenerationEvent.ToolCallReady t
                && t.call().name().equals("get_weather")));
        assertTrue(rec.texts().isEmpty(), "no text events expected: " + rec.texts());
        assertTrue(r.toolCallErrors().isEmpty());
    }

    @Test
    void streamedTextIsAlwaysWholeCharacters() {
        // 'é' and '😀' as their single UTF-8 bytes: byte-level tokens, each alone half a character
        int[] bytes = {0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80};
        StringBuilder script = new StringBuilder("<think>");
        for (int b : bytes) script.append(byteToken(b));
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = tok.tokenId(byteToken(bytes[i]));
            assertTrue(ids[i] >= 0, "byte token missing for " + bytes[i]);
        }
        int[] all = new int[ids.length + 1];
        all[0] = tok.tokenId("<think>");
        System.arraycopy(ids, 0, all, 1, ids.length);
        int[] step = {0};
        TokenSelector s = (logits, h, n) -> step[0] < all.length ? all[step[0]++] : tok.eos();
        Recorder rec = new Recorder();
        GenerationResult r = chat("Hi", scripted(s).withLoopGuard(null), rec);
        assertEquals("é😀", r.reasoning());
        for (String t : rec.texts()) {
            assertFalse(t.contains("\uFFFD"), t);
            assertFalse(Character.isHighSurrogate(t.charAt(t.length() - 1)), "half a surrogate pair");
        }
    }

    /** The byte-level BPE character that stands for byte {@code b} (GPT-2's bytes_to_unicode). */
    static String byteToken(int b) {
        if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) return Character.toString(b);
        int n = 0;
        for (int x = 0; x < b; x++) {
            if (!((x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF))) n++;
        }
        return Character.toString(256 + n);
    }

    /** The text of the first {@code n} tokens of {@code unit} repeated, leading whitespace dropped. */
    static String cycle(String unit, int n) {
        int[] ids = tok.encode(unit, false, false), seq = new int[n];
        for (int i = 0; i < n; i++) seq[i] = ids[i % ids.length];
        return tok.decode(seq, false).stripLeading();
    }

    @Test
    void maxTokensEndsWithLength() {
        TokenSelector s = TinyModel.loopUntil(tok, "", " word", -1, "");
        GenerationResult r = chat("Hi", scripted(s).withMaxTokens(7).withLoopGuard(null), null);
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(7, r.usage().completionTokens());
        assertEquals(cycle(" word", 7), r.content());
        assertEquals(6, r.usage().decodeSteps());
    }

    @Test
    void listenerCancelsByReturningFalse() {
        TokenSelector s = TinyModel.loopUntil(tok, "", " word", -1, "");
        int[] contentEvents = {0};
        List<GenerationEvent> seen = new ArrayList<>();
        GenerationResult r = chat("Hi", scripted(s).withMaxTokens(100).withLoopGuard(null), e -> {
            seen.add(e);
            return !(e instanceof GenerationEvent.Content) || ++contentEvents[0] < 3;
        });
        assertEquals(FinishReason.CANCELLED, r.finishReason());
        assertEquals(3, r.usage().completionTokens());
        assertTrue(seen.getLast() instanceof GenerationEvent.Done);
    }

    @Test
    void chatSessionCancelStopsTheGeneration() {
        try (ChatSession chat = model.newChat()) {
            chat.setOptions(scripted(TinyModel.loopUntil(tok, "", " word", -1, "")).withMaxTokens(100).withLoopGuard(null));
            int[] n = {0};
            GenerationResult r = chat.send("Hi", e -> {
                if (e instanceof GenerationEvent.Content && ++n[0] == 4) chat.cancel();
                return true;
            });
            assertEquals(FinishReason.CANCELLED, r.finishReason());
            assertEquals(4, r.usage().completionTokens());
            // the partial answer is part of the conversation
            assertEquals(cycle(" word", 4), chat.messages().getLast().content());
        }
    }

    @Test
    void contextOverflowIsAOneLineError() {
        try (LanguageModel small = LanguageModel.load(TinyModel.PATH, ModelOptions.defaults().withThreads(1).withContextSize(32));
             ChatSession chat = small.newChat()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> chat.send("a long message ".repeat(10)));
            assertTrue(e.getMessage().matches("prompt of \\d+ tokens does not fit in the context of 32 tokens.*"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            assertTrue(chat.messages().isEmpty(), "a failed turn must not stay in the conversation");
            // the session still works afterwards
            chat.setOptions(scripted(TinyModel.say(tok, "ok")));
            assertEquals("ok", chat.send("hi").content());
        }
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> LanguageModel.load(TinyModel.PATH, ModelOptions.defaults().withContextSize(100_000)));
        assertEquals("context of 100000 tokens exceeds the model's trained context of 512 tokens", big.getMessage());
    }

    @Test
    void generationStopsAtTheEndOfTheContext() {
        try (LanguageModel small = LanguageModel.load(TinyModel.PATH, ModelOptions.defaults().withThreads(1).withContextSize(40))) {
            GenerationResult r = small.chatCompletion(List.of(io.github.lfm4j.model.chat.ChatMessage.user("Hi")), List.of(),
                    scripted(TinyModel.loopUntil(tok, "", " word", -1, "")).withLoopGuard(null), null);
            assertEquals(FinishReason.LENGTH, r.finishReason());
            assertEquals(40, r.usage().promptTokens() + r.usage().completionTokens());
        }
    }

    @Test
    void devices() {
        // this build has no GPU engine: GPU is an error saying so, never a silent CPU run
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LanguageModel.load(TinyModel.PATH, ModelOptions.defaults().withDevice(Device.GPU)));
        assertEquals("GPU engine needs TornadoVM, which this build does not include (build with TORNADOVM_HOME set to"
                + " a TornadoVM SDK)", e.getMessage());
        try (LanguageModel auto = LanguageModel.load(TinyModel.PATH, ModelOptions.defaults().withDevice(Device.AUTO).withThreads(1))) {
            assertEquals(Device.CPU, auto.device());
            assertEquals(512, auto.contextSize());
        }
        assertEquals(Device.GPU, Device.parse("GPU"));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> LanguageModel.load(java.nio.file.Path.of("no-such.gguf")));
        assertEquals("model file not found: no-such.gguf", missing.getMessage());
    }
}
