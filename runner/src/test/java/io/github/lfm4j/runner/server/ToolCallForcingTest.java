package io.github.lfm4j.runner.server;

import io.github.lfm4j.model.tokenizer.Tokenizer;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.TokenSelector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where {@code tool_choice: "required"} puts {@code <|tool_call_start|>}, on hand-made token histories. */
class ToolCallForcingTest {
    static Tokenizer tok;
    static int callStart, think, unthink, imStart, hello, world;

    @BeforeAll
    static void load() {
        tok = TestModel.shared().tokenizer();
        callStart = tok.tokenId("<|tool_call_start|>");
        think = tok.tokenId("<think>");
        unthink = tok.tokenId("</think>");
        imStart = tok.tokenId("<|im_start|>");
        hello = tok.encode("Hello", false, false)[0];
        world = tok.encode(" world", false, false)[0];
    }

    /** Runs the forcing selector over a model that would say {@code wants}, feeding each choice back as history. */
    static List<Integer> generate(int[] prompt, int... wants) {
        int[] script = wants;
        int[] at = {0};
        TokenSelector model = (logits, history, n) -> at[0] < script.length ? script[at[0]++] : hello;
        TokenSelector forcing = ToolCallForcing.apply(GenerationOptions.greedy().withSelector(model), tok).selector();
        int[] history = Arrays.copyOf(prompt, prompt.length + 8);
        int n = prompt.length;
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int t = forcing.select(new float[0], history, n);
            out.add(t);
            history[n++] = t;
        }
        return out;
    }

    @Test
    void anAnswerWithoutThinkingOpensWithTheCall() {
        assertEquals(List.of(callStart, hello, world, hello, hello), generate(new int[]{imStart, hello}, hello, hello, world));
    }

    @Test
    void thinkingIsLeftAloneAndTheCallFollowsTheCloseTag() {
        assertEquals(List.of(think, hello, unthink, callStart, world),
                generate(new int[]{imStart, hello}, think, hello, unthink, world));
    }

    @Test
    void aPromptThatOpensThinkingWaitsForTheCloseTag() {
        assertEquals(List.of(hello, unthink, callStart, world, hello),
                generate(new int[]{imStart, hello, think}, hello, unthink, world));
    }

    @Test
    void aCloseTagInsertedWithNewlinesCounts() {
        // the thinking budget inserts "\n</think>\n\n" into the history between two calls of the selector
        int[] inserted = tok.encode("\n</think>\n\n", false, true);
        int[] prompt = {imStart, hello, think};
        TokenSelector model = (logits, history, n) -> hello;
        TokenSelector forcing = ToolCallForcing.apply(GenerationOptions.greedy().withSelector(model), tok).selector();
        int[] history = Arrays.copyOf(prompt, 32);
        int n = prompt.length;
        assertEquals(hello, forcing.select(new float[0], history, n));
        history[n++] = hello;
        for (int t : inserted) history[n++] = t;
        assertEquals(callStart, forcing.select(new float[0], history, n));
    }

    @Test
    void onlyTheFirstAnswerTokenIsForced() {
        // the scripted model is not asked for the forced position, so its next token follows the call opener
        assertEquals(List.of(think, unthink, callStart, hello, world),
                generate(new int[]{imStart}, think, unthink, hello, world));
        // a call inside the trace is the model's thinking, not its answer
        assertEquals(List.of(think, callStart, hello, unthink, callStart),
                generate(new int[]{imStart}, think, callStart, hello, unthink, world));
    }
}
