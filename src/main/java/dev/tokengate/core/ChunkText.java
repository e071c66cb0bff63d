package dev.tokengate.core;

/**
 * An upstream's own text of one chat.completion.chunk (UTF-8 JSON), checked to be one an OpenAI client may read as it
 * would read our encoding of the same chunk, with the positions a relay edits: the {@code model} value (quotes
 * included), the {@code usage} key with its value and one neighbouring comma (-1 when there is none), and the closing
 * brace.
 */
public record ChunkText(byte[] json, int modelStart, int modelEnd, int usageCutStart, int usageCutEnd, int closingBrace) {}
