package dev.tokengate.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tokengate.core.Json;
import dev.tokengate.support.SchemaAssert;
import dev.tokengate.support.Sdk;
import dev.tokengate.support.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** response_format: json_schema answers validate against the schema; json_object answers are JSON objects. */
class StructuredOutputTest {
    private static final String ORDER_SCHEMA = """
            {"type":"object",
             "properties":{
               "customer":{"type":"object",
                           "properties":{
                             "name":{"type":"string","minLength":2,"maxLength":40},
                             "tier":{"type":"string","enum":["bronze","silver","gold"]},
                             "address":{"type":"object",
                                        "properties":{"city":{"type":"string"},"zip":{"type":"string","minLength":5}},
                                        "required":["city","zip"],"additionalProperties":false}},
                           "required":["name","tier","address"],"additionalProperties":false},
               "items":{"type":"array","minItems":3,"maxItems":5,
                        "items":{"type":"object",
                                 "properties":{
                                   "sku":{"type":"string"},
                                   "quantity":{"type":"integer","minimum":100,"maximum":120},
                                   "discount":{"type":"number","exclusiveMinimum":0,"maximum":0.5}},
                                 "required":["sku","quantity","discount"],"additionalProperties":false}},
               "priority":{"type":"integer","minimum":-5,"maximum":-1},
               "status":{"type":"string","enum":["new","paid","shipped"]},
               "note":{"type":["string","null"]}},
             "required":["customer","items","priority","status","note"],
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

    private static ResponseFormatJsonSchema jsonSchema(String name, String schemaJson) {
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder schema = ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        try {
            Map<String, Object> map = Json.MAPPER.readValue(schemaJson, new TypeReference<>() {});
            map.forEach((k, v) -> schema.putAdditionalProperty(k, JsonValue.from(v)));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        return ResponseFormatJsonSchema.builder()
                .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder().name(name).strict(true).schema(schema.build()).build())
                .build();
    }

    private static ChatCompletionCreateParams.Builder ask(String text) {
        return ChatCompletionCreateParams.builder().model("gpt-4.1-mini").addUserMessage(text);
    }

    @Test
    void jsonSchemaAnswerIsValidAgainstANonTrivialSchema() {
        ChatCompletion c = client.chat().completions().create(ask("Make up an order.")
                .responseFormat(jsonSchema("order", ORDER_SCHEMA)).build()).validate();

        String content = c.choices().get(0).message().content().orElseThrow();
        SchemaAssert.assertValid(ORDER_SCHEMA, content);
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    @Test
    void jsonSchemaAnswersStayValidForEveryChoice() {
        ChatCompletion c = client.chat().completions().create(ask("Three different orders.").n(3)
                .responseFormat(jsonSchema("order", ORDER_SCHEMA)).build()).validate();

        assertThat(c.choices()).hasSize(3).allSatisfy(ch -> SchemaAssert.assertValid(ORDER_SCHEMA, ch.message().content().orElseThrow()));
    }

    @Test
    void jsonSchemaWithDefsAndUniqueItemsIsHonoured() {
        String schema = """
                {"type":"object",
                 "$defs":{"color":{"type":"string","enum":["red","green","blue","cyan"]}},
                 "properties":{
                   "palette":{"type":"array","items":{"$ref":"#/$defs/color"},"minItems":3,"uniqueItems":true},
                   "main":{"$ref":"#/$defs/color"},
                   "weight":{"anyOf":[{"type":"null"},{"type":"integer","minimum":10,"maximum":10}]}},
                 "required":["palette","main","weight"],
                 "additionalProperties":false}""";

        ChatCompletion c = client.chat().completions().create(ask("Pick colours.").responseFormat(jsonSchema("palette", schema)).build());

        SchemaAssert.assertValid(schema, c.choices().get(0).message().content().orElseThrow());
    }

    @Test
    void streamedJsonSchemaAnswerAssemblesToValidJson() {
        StringBuilder sb = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ask("Stream an order.")
                .responseFormat(jsonSchema("order", ORDER_SCHEMA)).build())) {
            s.stream().flatMap(c -> c.validate().choices().stream()).forEach(ch -> ch.delta().content().ifPresent(sb::append));
        }

        SchemaAssert.assertValid(ORDER_SCHEMA, sb.toString());
    }

    @Test
    void jsonObjectAnswerParsesAsAJsonObject() {
        ChatCompletion c = client.chat().completions().create(ask("Reply in JSON.")
                .responseFormat(ResponseFormatJsonObject.builder().build()).build()).validate();

        JsonNode parsed = Json.parseOrNull(c.choices().get(0).message().content().orElseThrow());
        assertThat(parsed).isNotNull();
        assertThat(parsed.isObject()).isTrue();
    }
}
