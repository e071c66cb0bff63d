package dev.tokengate.wire.openai;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Makes the ids of responses and their items ({@code resp_}, {@code msg_}, {@code fc_} ...); tests pass a counter. */
@FunctionalInterface
public interface ResponseIds {
    String next(String prefix);

    /** OpenAI-looking ids: the prefix and 48 random hex digits. */
    static ResponseIds random() {
        return prefix -> {
            byte[] b = new byte[24];
            ThreadLocalRandom.current().nextBytes(b);
            return prefix + HexFormat.of().formatHex(b);
        };
    }
}
