package io.github.lfm4j.langchain4j;

import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import io.github.lfm4j.model.sampling.SamplerParams;
import io.github.lfm4j.runner.api.GenerationOptions;

/**
 * LangChain4j's request parameters on top of lfm4j's generation options. What a request leaves unset keeps the
 * base options' value: the model card's sampling (temperature 0.05, top-k 50, repetition penalty 1.05), as the
 * OpenAI-compatible server does. Temperature 0 means greedy decoding without the default repetition penalty, also
 * as the server does, so results compare with other engines.
 *
 * <p>Refused, with LangChain4j's {@link UnsupportedFeatureException}: a non-zero frequency penalty (the sampler
 * has a presence and a repetition penalty, no count-proportional one). A JSON response format constrains the
 * answer (after the thinking trace) to its JSON schema, or to any JSON object without one, through the engine's
 * structured output; a schema the converter does not support is a one-line {@link IllegalArgumentException}
 * naming the keyword. Out-of-range values are {@link IllegalArgumentException}s.
 */
final class ParameterMapper {
    private ParameterMapper() {}

    static GenerationOptions apply(ChatRequestParameters p, GenerationOptions base) {
        GenerationOptions o = base;
        SamplerParams s = o.sampling();
        if (p.temperature() != null) {
            double t = p.temperature();
            if (!(t >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + t);
            s = s.withTemperature((float) t);
            if (s.isGreedy()) s = s.withRepetitionPenalty(1f);
        }
        if (p.topP() != null) {
            double topP = p.topP();
            if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
            s = s.withTopP((float) topP);
        }
        if (p.topK() != null) {
            if (p.topK() < 0) throw new IllegalArgumentException("topK must be >= 0 (0 disables it), got " + p.topK());
            s = s.withTopK(p.topK());
        }
        if (p.presencePenalty() != null) s = s.withPresencePenalty(p.presencePenalty().floatValue());
        if (p.frequencyPenalty() != null && p.frequencyPenalty() != 0) {
            throw new UnsupportedFeatureException("lfm4j does not support frequencyPenalty (only 0); use presencePenalty,"
                    + " or a repetition penalty in the base GenerationOptions");
        }
        o = o.withSampling(s);
        if (p.maxOutputTokens() != null) {
            if (p.maxOutputTokens() < 1) {
                throw new IllegalArgumentException("maxOutputTokens must be >= 1, got " + p.maxOutputTokens());
            }
            o = o.withMaxTokens(p.maxOutputTokens());
        }
        if (p.stopSequences() != null && !p.stopSequences().isEmpty()) o = o.withStop(p.stopSequences());
        return responseFormat(p.responseFormat(), o);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static GenerationOptions responseFormat(ResponseFormat f, GenerationOptions o) {
        if (f == null || f.type() == ResponseFormatType.TEXT) return o;
        if (f.jsonSchema() == null || f.jsonSchema().rootElement() == null) return o.withJsonObject();
        try {
            String schema = JSON.writeValueAsString(
                    dev.langchain4j.internal.JsonSchemaElementUtils.toMap(f.jsonSchema().rootElement()));
            return o.withJsonSchema(schema);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("JSON schema '" + f.jsonSchema().name() + "' cannot be written as JSON: "
                    + e.getOriginalMessage());
        }
    }
}
