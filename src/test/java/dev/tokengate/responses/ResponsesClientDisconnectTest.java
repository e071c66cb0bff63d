package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A client that leaves in the middle of a stream does not leave a cut-short response stored as completed. */
class ResponsesClientDisconnectTest {
    private static final String STREAM = "{\"model\":\"gpt-4o\",\"input\":\"A paced answer, please.\",\"stream\":true}";
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(Map.of("simulated.tokens_per_second", "50"));
        key = gw.createUserKey("leaver", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void responseOfAStreamTheClientLeftIsNotStored() throws Exception {
        String id;
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/responses"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(STREAM)).build(), HttpResponse.BodyHandlers.ofLines());
            try (Stream<String> lines = r.body()) {
                Iterator<String> it = lines.iterator();
                String line = it.next();
                while (!line.startsWith("data: ")) line = it.next();
                id = Json.parseOrNull(line.substring("data: ".length())).path("response").path("id").asText();
            }
        }

        // a whole stream of the same length afterwards: by its end the first one would long have been stored
        TestGateway.Resp full = gw.post("/v1/responses", key, STREAM);
        assertThat(full.body()).contains("response.completed");

        assertThat(id).startsWith("resp_");
        assertThat(gw.get("/v1/responses/" + id, key).status()).isEqualTo(404);
    }
}
