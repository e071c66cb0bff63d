package dev.tokengate.wire.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Json;
import dev.tokengate.core.RelayedAnswer;
import dev.tokengate.core.Usage;
import dev.tokengate.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlainResponseRelayTest {
    private static final String USUAL = "{\"id\":\"a\",\"object\":\"chat.completion\",\"created\":1763700000,\"model\":\"up-model\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\",\"refusal\":null},\"logprobs\":null,"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8,\"total_tokens\":20},"
            + "\"system_fingerprint\":\"fp\"}";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static RelayedAnswer relay(String body) {
        return PlainResponseRelay.relay(bytes(body), "public-model");
    }

    @Test
    void theUpstreamsBytesArePassedOnWithOnlyTheModelRenamed() {
        for (String body : List.of(USUAL, Fixtures.text("openai/completion-text.json"), Fixtures.text("openai/completion-tool-call.json"))) {
            String model = Json.parseOrNull(body).path("model").asText();

            RelayedAnswer a = relay(body);

            assertThat(a).as(body).isNotNull();
            assertThat(new String(a.body(), StandardCharsets.UTF_8))
                    .isEqualTo(body.replace("\"model\":\"" + model + "\"", "\"model\":\"public-model\""));
        }
    }

    @Test
    void usageIsReadAsTheDecoderReadsIt() {
        assertThat(relay(USUAL).usage()).isEqualTo(new Usage(12, 8, 0));
        assertThat(relay(Fixtures.text("openai/completion-tool-call.json")).usage()).isEqualTo(new Usage(82, 17, 64));
        assertThat(relay(USUAL.replace(",\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8,\"total_tokens\":20}", "")).usage())
                .isEqualTo(Usage.ZERO);
    }

    @Test
    void aRelayedAnswerDecodesAsTheEncodedAnswerWould() throws Exception {
        List<String> bodies = new ArrayList<>(List.of(USUAL, Fixtures.text("openai/completion-text.json"),
                Fixtures.text("openai/completion-tool-call.json"),
                USUAL.replace("\"logprobs\":null", "\"logprobs\":{\"content\":[]}").replace("}],", "},{\"index\":1,\"message\":"
                        + "{\"role\":\"assistant\",\"content\":null,\"refusal\":\"no\"},\"finish_reason\":\"content_filter\"}],")));
        for (String body : bodies) {
            RelayedAnswer a = relay(body);
            assertThat(a).as(body).isNotNull();
            ChatResponse encoded = UpstreamDecoder.response(bytes(body)).withModel("public-model");

            assertThat(UpstreamDecoder.response(a.body())).as(body)
                    .isEqualTo(UpstreamDecoder.response(ChatEncoder.responseBytes(encoded)));
            assertThat(a.usage()).isEqualTo(encoded.usage() == null ? Usage.ZERO : encoded.usage());
        }
    }

    @Test
    void keysTheGatewayDoesNotReadReachTheClient() {
        String body = USUAL.replace("\"logprobs\":null", "\"logprobs\":{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.1}]}")
                .replace("\"system_fingerprint\"", "\"x_server\":{\"queue_ms\":3},\"system_fingerprint\"");

        JsonNode out = Json.parseOrNull(relay(body).body());

        assertThat(out.path("choices").get(0).path("logprobs").path("content").get(0).path("token").asText()).isEqualTo("Hi");
        assertThat(out.path("x_server").path("queue_ms").asInt()).isEqualTo(3);
    }

    @Test
    void aPublicModelNameIsWrittenAsAJsonString() {
        RelayedAnswer a = PlainResponseRelay.relay(bytes(USUAL), "we\"ird\\model");

        assertThat(Json.parseOrNull(a.body()).path("model").asText()).isEqualTo("we\"ird\\model");
    }

    @Test
    void bodiesTheEncoderWouldChangeAreLeftToTheDecodingPath() {
        List<String> unusual = List.of(
                USUAL.replace("\"object\":\"chat.completion\",", ""),
                USUAL.replace("\"object\":\"chat.completion\"", "\"object\":\"chat.completion.chunk\""),
                USUAL.replace("\"id\":\"a\",", ""),
                USUAL.replace("\"created\":1763700000,", ""),
                USUAL.replace("\"created\":1763700000", "\"created\":1.5"),
                USUAL.replace("\"model\":\"up-model\",", ""),
                USUAL.replace("\"index\":0,", ""),
                USUAL.replace("\"finish_reason\":\"stop\"", "\"finish_reason\":null"),
                USUAL.replace(",\"finish_reason\":\"stop\"", ""),
                USUAL.replace("\"role\":\"assistant\",", ""),
                USUAL.replace("\"role\":\"assistant\"", "\"role\":\"tool\""),
                USUAL.replace("\"content\":\"Hi\",", ""),
                USUAL.replace("\"content\":\"Hi\"", "\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]"),
                USUAL.replace("\"refusal\":null", "\"refusal\":5"),
                USUAL.replace("\"refusal\":null", "\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]"),
                USUAL.replace("\"refusal\":null", "\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\"}}]"),
                USUAL.replace("\"total_tokens\":20", "\"total_tokens\":21"),
                USUAL.replace(",\"total_tokens\":20", ""),
                USUAL.replace("\"prompt_tokens\":12", "\"prompt_tokens\":12.0"),
                USUAL.replace("\"completion_tokens\":8,\"total_tokens\":20", "\"completion_tokens\":99999999999,\"total_tokens\":20"),
                USUAL.replace("\"system_fingerprint\":\"fp\"", "\"system_fingerprint\":{}"),
                USUAL.replace("\"system_fingerprint\":\"fp\"", "\"service_tier\":1"),
                USUAL.replace("\"refusal\":null", "\"refusal\":null,\"tool_calls\":null"),
                USUAL.replace("\"logprobs\":null", "\"logprobs\":[]"),
                USUAL.replace("\"id\":\"a\"", "\"id\":\"a\",\"id\":\"b\""),
                USUAL.replace("\"content\":\"Hi\"", "\"content\":\"Hi\",\"content\":\"Ho\""),
                USUAL + " {}",
                USUAL.substring(0, USUAL.length() - 1),
                "[" + USUAL + "]",
                "",
                "   ");
        for (String body : unusual) assertThat(relay(body)).as(body).isNull();
    }

    @Test
    void onlyUtf8IsRelayed() {
        assertThat(PlainResponseRelay.relay(USUAL.getBytes(StandardCharsets.UTF_16BE), "m")).isNull();
        assertThat(PlainResponseRelay.relay(USUAL.getBytes(StandardCharsets.UTF_16LE), "m")).isNull();
        assertThat(PlainResponseRelay.relay(bytes("\n  " + USUAL), "m")).isNotNull();
    }

    @Test
    void bytesThatAreNotValidJsonTextAreNotRelayed() {
        byte[] invalidUtf8 = bytes(USUAL.replace("\"Hi\"", "\"H@\""));
        invalidUtf8[USUAL.indexOf("\"Hi\"") + 2] = (byte) 0xC3; // a lead byte followed by a quote
        byte[] controlInSkippedKey = bytes(USUAL.replace("\"logprobs\":null", "\"logprobs\":\"a\u0001b\""));
        byte[] controlInContent = bytes(USUAL.replace("\"Hi\"", "\"H\ni\""));

        assertThat(PlainResponseRelay.relay(invalidUtf8, "m")).isNull();
        assertThat(PlainResponseRelay.relay(controlInSkippedKey, "m")).isNull();
        assertThat(PlainResponseRelay.relay(controlInContent, "m")).isNull();
    }
}
