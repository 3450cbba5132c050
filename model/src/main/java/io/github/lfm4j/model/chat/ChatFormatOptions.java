package io.github.lfm4j.model.chat;

import java.time.LocalDate;

/**
 * Switches a chat template reads besides the messages.
 *
 * @param addGenerationPrompt end with {@code <|im_start|>assistant\n} so the model writes the next turn
 * @param keepPastThinking keep the reasoning of earlier assistant turns (LFM2.5 drops it by default)
 * @param bosToken text of the begin-of-sequence token the template starts with
 * @param today the date templates print ({@code strftime_now}); null means the system clock's today
 */
public record ChatFormatOptions(boolean addGenerationPrompt, boolean keepPastThinking, String bosToken, LocalDate today) {
    public static final String LFM2_BOS = "<|startoftext|>";

    public ChatFormatOptions {
        bosToken = bosToken == null ? "" : bosToken;
    }

    public ChatFormatOptions(boolean addGenerationPrompt, boolean keepPastThinking, String bosToken) {
        this(addGenerationPrompt, keepPastThinking, bosToken, null);
    }

    /** What a chat turn needs: generation prompt on, past thinking dropped, LFM2's BOS. */
    public static ChatFormatOptions defaults() {
        return new ChatFormatOptions(true, false, LFM2_BOS, null);
    }

    public ChatFormatOptions withAddGenerationPrompt(boolean on) {
        return new ChatFormatOptions(on, keepPastThinking, bosToken, today);
    }

    public ChatFormatOptions withKeepPastThinking(boolean on) {
        return new ChatFormatOptions(addGenerationPrompt, on, bosToken, today);
    }

    public ChatFormatOptions withToday(LocalDate date) {
        return new ChatFormatOptions(addGenerationPrompt, keepPastThinking, bosToken, date);
    }

    /** The date to print: {@link #today()} or the clock's. */
    public LocalDate effectiveToday() {
        return today != null ? today : LocalDate.now();
    }
}
