package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextConfig;
import dev.tokengate.core.Json;
import dev.tokengate.support.SchemaAssert;
import dev.tokengate.support.Sdk;
import dev.tokengate.support.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** text.format json_schema (flat fields) and json_object through the SDK: the output parses and satisfies the schema. */
class ResponsesStructuredOutputTest {
    private static final String CONTACT_FIELD = """
            {"type":"object",
             "properties":{
               "name":{"type":"string","minLength":1},
               "type":{"type":"string","enum":["string","email","phone"]},
               "required":{"type":"boolean"},
               "max_length":{"type":"integer","minimum":1,"maximum":500},
               "choices":{"type":"array","items":{"type":"string"},"maxItems":3}},
             "required":["name","type","required","max_length","choices"],
             "additionalProperties":false}""";

    private static TestGateway gw;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        client = Sdk.client(gw, gw.createUserKey("structured", "user_pro"));
    }

    @AfterAll
    static void stop() {
        client.close();
        gw.close();
    }

    private static ResponseCreateParams contactFieldRequest() {
        ResponseFormatTextJsonSchemaConfig.Schema.Builder schema = ResponseFormatTextJsonSchemaConfig.Schema.builder();
        try {
            Map<String, Object> map = Json.MAPPER.readValue(CONTACT_FIELD, new TypeReference<>() {});
            map.forEach((k, v) -> schema.putAdditionalProperty(k, JsonValue.from(v)));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        return ResponseCreateParams.builder().model("gpt-4.1-mini").input("Give me a contact form field definition.")
                .text(ResponseTextConfig.builder().format(ResponseFormatTextJsonSchemaConfig.builder()
                        .name("contact_field").schema(schema.build()).strict(true).build()).build())
                .build();
    }

    @Test
    void jsonSchemaOutputIsValidAgainstTheSchema() {
        Response r = client.responses().create(contactFieldRequest()).validate();

        SchemaAssert.assertValid(CONTACT_FIELD, ResponsesText.of(r));
        ResponseFormatTextJsonSchemaConfig echoed = r.text().orElseThrow().format().orElseThrow().asJsonSchema();
        assertThat(echoed.name()).isEqualTo("contact_field");
        assertThat(echoed.strict()).hasValue(true);
        assertThat(echoed.schema()._additionalProperties()).containsKey("properties");
    }

    @Test
    void streamedJsonSchemaOutputIsValidAgainstTheSchema() {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(contactFieldRequest())) {
            s.stream().map(ResponseStreamEvent::validate).filter(ResponseStreamEvent::isOutputTextDelta)
                    .forEach(e -> text.append(e.asOutputTextDelta().delta()));
        }

        SchemaAssert.assertValid(CONTACT_FIELD, text.toString());
    }

    @Test
    void jsonObjectOutputIsAJsonObject() {
        Response r = client.responses().create(ResponseCreateParams.builder().model("gpt-4o").input("Answer in JSON.")
                .text(ResponseTextConfig.builder().format(ResponseFormatJsonObject.builder().build()).build()).build()).validate();

        JsonNode parsed = Json.parseOrNull(ResponsesText.of(r));
        assertThat(parsed).isNotNull();
        assertThat(parsed.isObject()).isTrue();
        assertThat(r.text().orElseThrow().format().orElseThrow().isJsonObject()).isTrue();
    }

    @Test
    void plainTextFormatIsEchoedByDefault() {
        Response r = client.responses().create(ResponseCreateParams.builder().model("gpt-4o").input("Plain, please.").build()).validate();

        assertThat(r.text().orElseThrow().format().orElseThrow().isText()).isTrue();
    }
}
