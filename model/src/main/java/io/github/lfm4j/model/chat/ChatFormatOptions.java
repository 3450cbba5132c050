package io.github.lfm4j.model.chat;

/**
 * Switches a chat template reads besides the messages.
 *
 * @param addGenerationPrompt end with {@code <|im_start|>assistant\n} so the model writes the next turn
 * @param keepPastThinking keep the reasoning of earlier assistant turns (LFM2.5 drops it by default)
 * @param bosToken text of the begin-of-sequence token the template starts with
 */
public record ChatFormatOptions(boolean addGenerationPrompt, boolean keepPastThinking, String bosToken) {
    public static final String LFM2_BOS = "<|startoftext|>";

    public ChatFormatOptions {
        bosToken = bosToken == null ? "" : bosToken;
    }

    /** What a chat turn needs: generation prompt on, past thinking dropped, LFM2's BOS. */
    public static ChatFormatOptions defaults() {
        return new ChatFormatOptions(true, false, LFM2_BOS);
    }

    public ChatFormatOptions withAddGenerationPrompt(boolean on) {
        return new ChatFormatOptions(on, keepPastThinking, bosToken);
    }

    public ChatFormatOptions withKeepPastThinking(boolean on) {
        return new ChatFormatOptions(addGenerationPrompt, on, bosToken);
    }
}
