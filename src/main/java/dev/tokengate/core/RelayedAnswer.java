package dev.tokengate.core;

/**
 * A plain chat answer as the client gets it: the body in OpenAI's Chat Completions format (under the public model),
 * and the usage to bill. An OpenAI-compatible upstream's answer is usually its own bytes with only the model renamed.
 */
public record RelayedAnswer(byte[] body, Usage usage) {}
