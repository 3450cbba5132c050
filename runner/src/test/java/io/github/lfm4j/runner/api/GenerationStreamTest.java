package io.github.lfm4j.runner.api;

import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerationStreamTest {
    static LanguageModel model;
    static Tokenizer tok;
    static final List<ChatMessage> HI = List.of(ChatMessage.user("Hi"));

    @BeforeAll
    static void load() {
        model = TinyModel.load();
        tok = model.tokenizer();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void iteratesTheSameEventsAListenerGets() {
        String answer = "<think>Because.</think>\n\nYes. " + "More text. ".repeat(40);
        GenerationOptions o = GenerationOptions.greedy().withLoopGuard(null);
        List<GenerationEvent> pushed = new ArrayList<>();
        GenerationResult viaListener = model.chatCompletion(HI, List.of(), o.withSelector(TinyModel.say(tok, answer)), e -> pushed.add(e));
        List<GenerationEvent> pulled = new ArrayList<>();
        try (GenerationStream s = model.streamChatCompletion(HI, List.of(), o.withSelector(TinyModel.say(tok, answer)))) {
            while (s.hasNext()) pulled.add(s.next());
            assertFalse(s.hasNext());
        }
        assertTrue(pulled.size() > GenerationStream.BUFFER, "the test should overflow the buffer once");
        assertEquals(pushed.subList(0, pushed.size() - 1), pulled.subList(0, pulled.size() - 1));
        GenerationResult r = ((GenerationEvent.Done) pulled.getLast()).result();
        assertEquals(viaListener.content(), r.content());
        assertEquals("Because.", r.reasoning());
    }

    @Test
    void closingEarlyCancelsTheGeneration() {
        AtomicInteger selected = new AtomicInteger();
        TokenSelector endless = TinyModel.loopUntil(tok, "", " again", -1, "");
        TokenSelector counting = (l, h, n) -> {
            selected.incrementAndGet();
            return endless.select(l, h, n);
        };
        try (GenerationStream s = model.streamChatCompletion(HI, List.of(),
                GenerationOptions.greedy().withLoopGuard(null).withSelector(counting))) {
            for (int i = 0; i < 3; i++) assertTrue(s.next() instanceof GenerationEvent.Content);
        }
        int atClose = selected.get();
        assertTrue(atClose < 200, "generation ran on after close: " + atClose);
        // the model is free for the next call
        assertEquals("ok", model.chatCompletion(HI, List.of(), GenerationOptions.greedy().withSelector(TinyModel.say(tok, "ok"))).content());
        assertEquals(atClose, selected.get());
    }

    @Test
    void aFailureIsThrownByNext() {
        try (GenerationStream s = model.streamChatCompletion(HI, List.of(),
                GenerationOptions.greedy().withSelector((l, h, n) -> 1_000_000))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                while (s.hasNext()) s.next();
            });
            assertEquals("token id 1000000 is outside the vocabulary [0, 3272)", e.getMessage());
            assertFalse(s.hasNext());
        }
    }
}
