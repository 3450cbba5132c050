package io.github.lfm4j.model.chat;

import io.github.lfm4j.model.chat.jinja.JinjaChatTemplate;

/**
 * Picks the formatter for a model's chat template (the GGUF's {@code tokenizer.chat_template}, possibly absent).
 * A template that is exactly one of Liquid's known ones gets the plain-Java {@link Lfm2ChatFormatter} (same
 * output, no template engine); any other text is rendered as written by {@link JinjaChatTemplate}; no template
 * at all means the LFM2.5 layout.
 */
public final class ChatFormatters {
    private ChatFormatters() {}

    public static ChatFormatter forTemplate(String ggufChatTemplate) {
        if (ggufChatTemplate == null || ggufChatTemplate.isBlank()) return Lfm2ChatFormatter.lfm25();
        String t = ggufChatTemplate.strip();
        if (t.equals(JinjaChatTemplate.resource("lfm2.5-thinking.chat_template.jinja").strip())) {
            return new Lfm2ChatFormatter(Lfm2ChatFormatter.Variant.LFM2_5);
        }
        if (t.equals(JinjaChatTemplate.resource("lfm2.5-hub.chat_template.jinja").strip())) {
            return new Lfm2ChatFormatter(Lfm2ChatFormatter.Variant.LFM2_5_HUB);
        }
        if (t.equals(JinjaChatTemplate.resource("lfm2.chat_template.jinja").strip())) {
            return new Lfm2ChatFormatter(Lfm2ChatFormatter.Variant.LFM2);
        }
        return new JinjaChatTemplate(ggufChatTemplate);
    }
}
