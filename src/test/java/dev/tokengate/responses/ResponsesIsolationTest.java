package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A stored response belongs to its user: others cannot read, list, delete or continue it. */
class ResponsesIsolationTest {
    private static TestGateway gw;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        alice = gw.createUserKey("alice", "user_pro");
        bob = gw.createUserKey("bob", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static String aliceResponse() {
        return gw.post("/v1/responses", alice, "{\"model\":\"gpt-4o\",\"input\":\"Alice's secret.\"}").json().path("id").asText();
    }

    @Test
    void anotherUserCannotRetrieveOrListTheInputOfAResponse() {
        String id = aliceResponse();

        TestGateway.Resp get = gw.get("/v1/responses/" + id, bob);
        TestGateway.Resp items = gw.get("/v1/responses/" + id + "/input_items", bob);

        assertThat(get.status()).isEqualTo(404);
        assertThat(get.body()).doesNotContain("Alice's secret");
        assertThat(items.status()).isEqualTo(404);
        assertThat(gw.get("/v1/responses/" + id, alice).status()).isEqualTo(200);
    }

    @Test
    void anotherUserCannotDeleteAResponse() {
        String id = aliceResponse();

        assertThat(gw.send("DELETE", "/v1/responses/" + id, bob, null).status()).isEqualTo(404);

        assertThat(gw.get("/v1/responses/" + id, alice).status()).isEqualTo(200);
        TestGateway.Resp deleted = gw.send("DELETE", "/v1/responses/" + id, alice, null);
        assertThat(deleted.status()).isEqualTo(200);
        JsonNode body = deleted.json();
        assertThat(body.path("id").asText()).isEqualTo(id);
        assertThat(body.path("object").asText()).isEqualTo("response");
        assertThat(body.path("deleted").asBoolean()).isTrue();
    }

    @Test
    void anotherUserCannotContinueAResponse() {
        String id = aliceResponse();

        TestGateway.Resp r = gw.post("/v1/responses", bob, "{\"model\":\"gpt-4o\",\"input\":\"What was the secret?\",\"previous_response_id\":\"" + id + "\"}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("param").asText()).isEqualTo("previous_response_id");
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("previous_response_not_found");
        assertThat(r.body()).doesNotContain("Alice's secret");
    }

    @Test
    void deletedResponseCannotBeContinued() {
        String id = aliceResponse();
        gw.send("DELETE", "/v1/responses/" + id, alice, null);

        TestGateway.Resp r = gw.post("/v1/responses", alice, "{\"model\":\"gpt-4o\",\"input\":\"more\",\"previous_response_id\":\"" + id + "\"}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("param").asText()).isEqualTo("previous_response_id");
    }
}
