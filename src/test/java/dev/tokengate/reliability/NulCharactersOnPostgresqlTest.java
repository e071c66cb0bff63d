package dev.tokengate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.StoreBackends;
import dev.tokengate.support.TestGateway;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL cannot store NUL in text. A NUL is valid JSON ({@code "\u0000"}) and valid in a URL ({@code %00}), so on
 * PostgreSQL every route must still answer a client's NUL without a 5xx, and a job whose output holds one must finish.
 */
class NulCharactersOnPostgresqlTest {
    private static StoreBackends.PostgresSchema schema;
    private static TestGateway gateway;
    private static FuzzTargets targets;

    @BeforeAll
    static void start() {
        schema = StoreBackends.PostgresSchema.create();
        Map<String, String> settings = new HashMap<>(FuzzTargets.gatewaySettings(java.nio.file.Path.of("unused")));
        settings.put("storage.db_url", schema.operatorUrl());
        gateway = TestGateway.start(settings);
        targets = new FuzzTargets(gateway);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
        if (schema != null) schema.close();
    }

    @Test
    void aNulInAnyStringOfAnyBodyIsNeverA5xx() {
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (Route route : targets.all()) {
            if (!route.hasBody()) continue;
            for (FuzzCase c : FuzzCase.everyStringWith(route, "\\u0000")) {
                collect(c, failures);
                sent++;
            }
        }
        System.out.printf("nul: %d bodies with a NUL in one string each%n", sent);
        assertThat(failures).isEmpty();
    }

    @Test
    void aNulInAnyPathIdOrCursorIsAClientError() {
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (Route route : targets.all()) {
            for (String segment : List.of("%00", "a%00b")) {
                for (FuzzCase c : FuzzCase.everyPathIdAs(route, segment)) {
                    collect(c, failures);
                    sent++;
                }
            }
        }
        for (String cursor : List.of("after=%00", "before=a%00b")) {
            TestGateway.Resp r = gateway.get("/v1/messages/batches?" + cursor, targets.userKey);
            if (r.status() != 200) failures.add(cursor + " -> " + r.status() + " " + r.body());
            sent++;
        }
        System.out.printf("nul: %d path ids and cursors holding a NUL%n", sent);
        assertThat(failures).isEmpty();
    }

    @Test
    void aJobWhoseAnswerHoldsANulCompletes() {
        // the simulated model quotes the question, NUL included
        TestGateway.Resp r = gateway.post("/api/v1/jobs/messages", targets.userKey, """
                {"model":"gpt-5-mini","timeout":30,"response_format":{"format":"text"},
                 "messages":[{"role":"user","content":"before\\u0000after"}]}""");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("data").path("result").path("response_message").asText()).contains("before\uFFFDafter");
    }

    private static void collect(FuzzCase c, List<String> failures) {
        try {
            ErrorFormats.assertAnswer(gateway.port(), c);
        } catch (AssertionError e) {
            failures.add(e.getMessage());
        }
    }
}
