package dev.tokengate.wire.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming reader of common chat requests gives exactly what the tree decoder gives, and leaves it the rest. */
class PlainChatRequestReaderTest {
    private static ChatRequest read(String body) {
        return PlainChatRequestReader.read(body.getBytes(StandardCharsets.UTF_8));
    }

    private static ChatRequest decoded(String body) {
        return ChatRequestDecoder.decode(Json.parse(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void commonRequestsReadAsTheDecoderReadsThem() {
        List<String> bodies = List.of(
                "{\"model\":\"bench-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in five words.\"}],\"max_tokens\":16}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":16,\"stream\":true}",
                " {\"messages\":[{\"content\":\"be brief\",\"role\":\"system\"},{\"role\":\"developer\",\"content\":\"\"},"
                        + "{\"role\":\"user\",\"content\":\"caf\\u00e9 \\\"quoted\\\" \u00e9\\n\"},{\"role\":\"assistant\",\"content\":\"ok\"}],"
                        + "\"model\":\"gpt-4o\"} \n",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":0.7,\"top_p\":1,\"n\":3,"
                        + "\"user\":\"u-1\",\"stream\":false,\"max_completion_tokens\":5,\"max_tokens\":9}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":2,\"top_p\":0.0,\"n\":128}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":-0.0,\"max_tokens\":2147483647}");
        for (String body : bodies) {
            assertThat(read(body)).as(body).isNotNull().isEqualTo(decoded(body));
        }
    }

    @Test
    void anythingElseIsLeftToTheDecoder() {
        List<String> bodies = List.of(
                "",
                "[]",
                "{}",
                "{\"model\":\"m\"}",
                "{\"model\":\" \",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "{\"model\":\"m\",\"messages\":[]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"seed\":1}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":16.0}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":3000000000}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":null}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":2.5}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":129}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
                "{\"model\":\"m\",\"model\":\"n\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"content\":\"y\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\",\"tool_call_id\":\"c\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"name\":\"bob\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}",
                "{\"model\":\"m\",\"messages\":[\"x\"]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} {}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]",
                "{\"model\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        for (String body : bodies) {
            assertThat(read(body)).as(body).isNull();
        }
    }
}
