package dev.tokengate.responses;

import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;

/** The text of a Response's output messages, joined, as the Python and Node SDKs' {@code output_text} gives it. */
final class ResponsesText {
    private ResponsesText() {}

    static String of(Response r) {
        StringBuilder sb = new StringBuilder();
        for (ResponseOutputItem item : r.output()) {
            item.message().ifPresent(m -> {
                for (ResponseOutputMessage.Content c : m.content()) c.outputText().ifPresent(t -> sb.append(t.text()));
            });
        }
        return sb.toString();
    }

    /** The model name, whether the SDK parsed it as one of its known chat models or as a plain string. */
    static String model(Response r) {
        return r.model().chat().map(c -> c.asString()).orElseGet(() -> r.model().asString());
    }
}
