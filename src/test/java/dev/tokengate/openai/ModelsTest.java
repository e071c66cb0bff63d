package dev.tokengate.openai;

import static dev.tokengate.support.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.errors.NotFoundException;
import com.openai.models.models.Model;
import dev.tokengate.support.Sdk;
import dev.tokengate.support.TestGateway;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /v1/models and /v1/models/{id}: the default catalogue, filtered by the caller's tier. */
class ModelsTest {
    private static final List<String> DEFAULTS = List.of("gpt-auto", "gpt-5", "gpt-5-mini", "gpt-4o", "gpt-4.1-mini", "claude-3.5-sonnet",
            "text-embedding-3-small", "all-minilm-l6-v2", "dall-e-3");

    private static TestGateway gw;
    private static String maxKey;
    private static String proKey;
    private static String freeKey;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        maxKey = gw.createUserKey("max", "user_max");
        proKey = gw.createUserKey("pro", "user_pro");
        freeKey = gw.createUserKey("free", "user_free");
        client = Sdk.client(gw, proKey);
    }

    @AfterAll
    static void stop() {
        client.close();
        gw.close();
    }

    private static List<String> listedIds(String key) {
        TestGateway.Resp r = gw.get("/v1/models", key);
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.path("object").asText()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        for (JsonNode m : body.path("data")) {
            assertThat(m.path("object").asText()).isEqualTo("model");
            assertThat(m.path("created").isIntegralNumber()).isTrue();
            assertThat(m.path("owned_by").asText()).isNotBlank();
            ids.add(m.path("id").asText());
        }
        return ids;
    }

    @Test
    void maxAndProUsersSeeEveryDefaultModel() {
        assertThat(listedIds(maxKey)).containsExactlyInAnyOrderElementsOf(DEFAULTS);
        assertThat(listedIds(proKey)).containsExactlyInAnyOrderElementsOf(DEFAULTS);
    }

    @Test
    void freeUserSeesOnlyTheModelsItsTierAllows() {
        assertThat(listedIds(freeKey)).containsExactlyInAnyOrder("gpt-auto", "gpt-5-mini", "text-embedding-3-small", "all-minilm-l6-v2", "dall-e-3");
    }

    @Test
    void oneModelIsReturnedById() {
        JsonNode m = gw.get("/v1/models/gpt-5", maxKey).json();

        assertThat(m.path("id").asText()).isEqualTo("gpt-5");
        assertThat(m.path("object").asText()).isEqualTo("model");
        assertThat(m.path("owned_by").asText()).isEqualTo("openai");
        assertThat(m.path("created").asLong()).isPositive();
    }

    @Test
    void unknownModelIdIs404ModelNotFound() {
        JsonNode error = assertError(gw.get("/v1/models/no-such-model", maxKey), 404);

        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
        assertThat(error.path("message").asText()).contains("no-such-model");
    }

    @Test
    void aModelOutsideTheCallersTierIsNotFoundByIdEither() {
        JsonNode error = assertError(gw.get("/v1/models/gpt-5", freeKey), 404);

        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void sdkListsAndRetrievesModels() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).containsExactlyInAnyOrderElementsOf(DEFAULTS);
        models.forEach(Model::validate);

        Model m = client.models().retrieve("claude-3.5-sonnet").validate();
        assertThat(m.id()).isEqualTo("claude-3.5-sonnet");
        assertThat(m.ownedBy()).isEqualTo("anthropic");

        assertThatThrownBy(() -> client.models().retrieve("no-such-model"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).hasValue("model_not_found"));
    }
}
