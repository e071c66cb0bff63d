package dev.tokengate.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The message batches of seed 003 (Letta's shapes) under /v1/messages/batches. */
class LettaBatchRoutesTest {
    /** Every field of the seed's BatchJob. */
    static final List<String> BATCH_JOB_KEYS = List.of("id", "agent_id", "background", "callback_error", "callback_sent_at",
            "callback_status_code", "callback_url", "completed_at", "created_at", "created_by_id", "job_type",
            "last_updated_by_id", "metadata", "status", "stop_reason", "total_duration_ns", "ttft_ns", "updated_at");
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        key = gw.createUserKey("letta-batches", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void aBatchJobCarriesAllEighteenSeedFieldsWithNullWhereUnsetAndUtcTimestamps() {
        JsonNode created = create(key, "{\"requests\":[{\"agent_id\":\"agent-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]},"
                + "{\"agent_id\":\"agent-1\",\"input\":\"hello\",\"model\":\"gpt-4o\",\"max_tokens\":20}]}");
        assertThat(keys(created)).containsExactlyInAnyOrderElementsOf(BATCH_JOB_KEYS);
        assertThat(created.path("id").asText()).matches("job-[0-9a-f-]{36}");
        assertThat(created.path("agent_id").asText()).isEqualTo("agent-1");
        assertThat(created.path("job_type").asText()).isEqualTo("batch");
        assertThat(created.path("status").asText()).isIn("created", "running", "completed");
        assertThat(created.path("created_by_id").asText()).isNotBlank();
        assertThat(created.path("last_updated_by_id").asText()).isEqualTo(created.path("created_by_id").asText());
        assertThat(created.path("metadata").path("job_type").asText()).isEqualTo("batch_messages");
        for (String k : List.of("background", "callback_error", "callback_sent_at", "callback_status_code", "callback_url")) {
            assertThat(created.get(k).isNull()).as(k).isTrue();
        }
        assertUtc(created.path("created_at").asText());
        assertUtc(created.path("updated_at").asText());

        JsonNode done = BatchTesting.awaitStatus(gw, key, "/v1/messages/batches/" + created.path("id").asText(), "completed");
        assertThat(keys(done)).containsExactlyInAnyOrderElementsOf(BATCH_JOB_KEYS);
        assertUtc(done.path("completed_at").asText());
        assertThat(Instant.parse(done.path("completed_at").asText())).isAfterOrEqualTo(Instant.parse(done.path("created_at").asText()));
        assertThat(done.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(done.path("ttft_ns").isIntegralNumber()).isTrue();
        assertThat(done.path("total_duration_ns").asLong()).isGreaterThanOrEqualTo(done.path("ttft_ns").asLong());
        assertThat(done.path("metadata").path("request_counts").path("completed").asInt()).isEqualTo(2);
    }

    @Test
    void listIsABareArrayNewestFirstWithBeforeAfterLimitAndOrder() throws InterruptedException {
        String lister = gw.createUserKey("letta-lister", "user_pro");
        List<String> oldestFirst = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            oldestFirst.add(create(lister, "{\"requests\":[{\"input\":\"n" + i + "\"}]}").path("id").asText());
            Thread.sleep(3); // distinct created_at, so "newest first" has one answer
        }
        List<String> newestFirst = oldestFirst.reversed();

        JsonNode all = gw.get("/v1/messages/batches", lister).json();
        assertThat(all.isArray()).isTrue();
        assertThat(ids(all)).isEqualTo(newestFirst);
        all.forEach(b -> assertThat(keys(b)).containsExactlyInAnyOrderElementsOf(BATCH_JOB_KEYS));
        assertThat(ids(gw.get("/v1/messages/batches?limit=2", lister).json())).isEqualTo(newestFirst.subList(0, 2));
        assertThat(ids(gw.get("/v1/messages/batches?after=" + newestFirst.get(0), lister).json())).isEqualTo(newestFirst.subList(1, 3));
        assertThat(ids(gw.get("/v1/messages/batches?before=" + newestFirst.get(2), lister).json())).isEqualTo(newestFirst.subList(0, 2));
        assertThat(ids(gw.get("/v1/messages/batches?order=asc", lister).json())).isEqualTo(oldestFirst);
        assertThat(ids(gw.get("/v1/messages/batches?order=asc&after=" + oldestFirst.get(0) + "&limit=1", lister).json()))
                .isEqualTo(List.of(oldestFirst.get(1)));
        assertThat(gw.get("/v1/messages/batches?order=sideways", lister).status()).isEqualTo(400);
        assertThat(gw.get("/v1/messages/batches?limit=0", lister).status()).isEqualTo(400);
        assertThat(ids(gw.get("/v1/messages/batches?order_by=created_at&order=asc", lister).json())).isEqualTo(oldestFirst);
        TestGateway.Resp byId = gw.get("/v1/messages/batches?order_by=id", lister);
        assertThat(byId.status()).isEqualTo(400);
        assertThat(byId.body()).contains("order_by");
    }

    @Test
    void messagesListEachRequestAndItsAnswerPaginatedAndFilteredByAgent() {
        JsonNode created = create(key, "{\"requests\":[{\"agent_id\":\"agent-a\",\"input\":\"first\"},"
                + "{\"agent_id\":\"agent-b\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"second\"}]}]}");
        String path = "/v1/messages/batches/" + created.path("id").asText();
        BatchTesting.awaitStatus(gw, key, path, "completed");

        JsonNode asc = gw.get(path + "/messages?order=asc", key).json();
        JsonNode messages = asc.path("messages");
        List<String> roles = new ArrayList<>();
        messages.forEach(m -> roles.add(m.path("agent_id").asText() + ":" + m.path("role").asText()));
        assertThat(roles).containsExactly("agent-a:user", "agent-a:assistant", "agent-b:system", "agent-b:user", "agent-b:assistant");
        assertThat(messages.get(0).path("content").get(0).path("text").asText()).isEqualTo("first");
        for (JsonNode m : messages) {
            assertThat(m.path("id").asText()).startsWith("message-");
            assertThat(m.path("run_id").asText()).isEqualTo(created.path("id").asText());
            assertThat(m.path("is_err").asBoolean()).isFalse();
            assertUtc(m.path("created_at").asText());
        }
        assertThat(messages.get(1).path("content").get(0).path("text").asText()).isNotBlank();

        JsonNode desc = gw.get(path + "/messages", key).json().path("messages");
        assertThat(ids(desc)).isEqualTo(ids(messages).reversed());

        List<String> paged = new ArrayList<>();
        String after = null;
        while (true) {
            JsonNode page = gw.get(path + "/messages?order=asc&limit=2" + (after == null ? "" : "&after=" + after), key).json().path("messages");
            if (page.isEmpty()) break;
            assertThat(page.size()).isLessThanOrEqualTo(2);
            paged.addAll(ids(page));
            after = paged.getLast();
        }
        assertThat(paged).isEqualTo(ids(messages));

        JsonNode onlyB = gw.get(path + "/messages?order=asc&agent_id=agent-b", key).json().path("messages");
        assertThat(onlyB).hasSize(3);
        onlyB.forEach(m -> assertThat(m.path("agent_id").asText()).isEqualTo("agent-b"));
    }

    @Test
    void anotherUsersBatchIsNotFoundOnEveryRoute() {
        String owner = gw.createUserKey("letta-owner", "user_pro");
        String intruder = gw.createUserKey("letta-intruder", "user_pro");
        String id = create(owner, "{\"requests\":[{\"input\":\"mine\"}]}").path("id").asText();
        assertThat(gw.get("/v1/messages/batches/" + id, intruder).status()).isEqualTo(404);
        assertThat(gw.get("/v1/messages/batches/" + id + "/messages", intruder).status()).isEqualTo(404);
        assertThat(gw.send("PATCH", "/v1/messages/batches/" + id + "/cancel", intruder, null).status()).isEqualTo(404);
        assertThat(gw.get("/v1/messages/batches", intruder).json()).isEmpty();
        assertThat(gw.get("/v1/messages/batches/" + id, owner).status()).isEqualTo(200);
    }

    @Test
    void invalidCreateRequestsAre400AndNameTheField() {
        assertThat(gw.post("/v1/messages/batches", key, "{\"requests\":[]}").status()).isEqualTo(400);
        TestGateway.Resp both = gw.post("/v1/messages/batches", key, "{\"requests\":[{\"input\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"b\"}]}]}");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().path("error").path("param").asText()).startsWith("requests[0]");
        TestGateway.Resp model = gw.post("/v1/messages/batches", key, "{\"requests\":[{\"input\":\"a\"},{\"input\":\"b\",\"model\":\"nope\"}]}");
        assertThat(model.status()).isEqualTo(404);
        assertThat(model.json().path("error").path("param").asText()).isEqualTo("requests[1].model");
    }

    private static JsonNode create(String key, String body) {
        TestGateway.Resp r = gw.post("/v1/messages/batches", key, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static List<String> keys(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> ids(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(b -> out.add(b.path("id").asText()));
        return out;
    }

    static void assertUtc(String timestamp) {
        assertThat(timestamp).endsWith("Z");
        assertThat(Instant.parse(timestamp)).isNotNull();
    }
}
