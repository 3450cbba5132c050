package io.github.lfm4j.model.sampling;

/** A token id with its log-probability under the model's (unfiltered) distribution. */
public record TokenLogprob(int token, float logprob) {}
