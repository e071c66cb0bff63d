package dev.tokengate.batches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.batches.BatchCreateParams;
import com.anthropic.models.messages.batches.BatchListParams;
import com.anthropic.models.messages.batches.DeletedMessageBatch;
import com.anthropic.models.messages.batches.MessageBatch;
import com.anthropic.models.messages.batches.MessageBatchIndividualResponse;
import dev.tokengate.support.FakeUpstream;
import dev.tokengate.support.Fixtures;
import dev.tokengate.support.TestGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Anthropic Java SDK against Anthropic's Message Batches API on the gateway: create, retrieve, list
 * (auto-paging), cancel, delete and resultsStreaming, with response validation on so every key the SDK requires must be
 * there. One worker runs the items, so a gated upstream holds the rest of a batch pending.
 */
class AnthropicBatchSdkTest {
    private static final String SIMULATED = "claude-3.5-sonnet";
    private static FakeUpstream refusing;
    private static FakeUpstream gated;
    private static TestGateway gw;
    private static AnthropicClient client;

    @BeforeAll
    static void start() throws IOException {
        refusing = FakeUpstream.start();
        refusing.always(FakeUpstream.Reply.error(400, "invalid_request_error", "This model refuses every request.", null));
        gated = FakeUpstream.start();
        Path config = Files.createTempFile("tokengate-anthropic-batches", ".yaml");
        Files.writeString(config, """
                models:
                  - name: refusing-model
                    deployments:
                      - {provider: openai, base_url: "%s", upstream_model: gpt-4o, api_key_env: FAKE_KEY}
                  - name: gated-model
                    deployments:
                      - {provider: openai, base_url: "%s", upstream_model: gpt-4o, api_key_env: FAKE_KEY}
                """.formatted(refusing.baseUrl(), gated.baseUrl()));
        gw = TestGateway.start(config, Map.of("jobs.workers", "1"), Map.of("FAKE_KEY", "upstream-secret-0123456789"));
        client = sdk(gw.createUserKey("anthropic-batches-sdk", "user_pro"));
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (gw != null) gw.close();
        if (refusing != null) refusing.close();
        if (gated != null) gated.close();
    }

    private static AnthropicClient sdk(String key) {
        return AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).responseValidation(true).build();
    }

    private static BatchCreateParams.Request request(String customId, String model, String text) {
        return BatchCreateParams.Request.builder().customId(customId)
                .params(BatchCreateParams.Request.Params.builder().model(model).maxTokens(200).system("You are terse.")
                        .addUserMessage(text).build())
                .build();
    }

    private static MessageBatch create(AnthropicClient c, BatchCreateParams.Request... requests) {
        return c.messages().batches().create(BatchCreateParams.builder().requests(List.of(requests)).build());
    }

    private static MessageBatch awaitEnded(AnthropicClient c, String id) {
        return BatchTesting.await(() -> c.messages().batches().retrieve(id),
                b -> b.processingStatus().equals(MessageBatch.ProcessingStatus.ENDED));
    }

    private static Map<String, MessageBatchIndividualResponse> results(AnthropicClient c, String id) {
        try (StreamResponse<MessageBatchIndividualResponse> stream = c.messages().batches().resultsStreaming(id)) {
            return stream.stream().collect(Collectors.toMap(MessageBatchIndividualResponse::customId, r -> r));
        }
    }

    /** A completion the gated upstream holds until the returned gate is completed. */
    private static CompletableFuture<Void> holdGatedUpstream() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        gated.always(FakeUpstream.Reply.chunked("application/json").waitFor(gate)
                .raw(Fixtures.text("openai/completion-text.json")).build());
        return gate;
    }

    private static String text(Message m) {
        StringBuilder sb = new StringBuilder();
        for (ContentBlock b : m.content()) b.text().ifPresent(t -> sb.append(t.text()));
        return sb.toString();
    }

    @Test
    void aBatchRunsEveryRequestAndItsResultsStreamAsOneLinePerRequest() {
        MessageBatch created = create(client, request("greet-1", SIMULATED, "Hello from one"),
                request("greet-2", SIMULATED, "Hello from two"), request("refused", "refusing-model", "Anything"));
        assertThat(created.id()).startsWith("msgbatch_");
        assertThat(created.processingStatus()).isIn(MessageBatch.ProcessingStatus.IN_PROGRESS, MessageBatch.ProcessingStatus.ENDED);
        assertThat(created.expiresAt()).isEqualTo(created.createdAt().plusHours(24));
        assertThat(created.archivedAt()).isEmpty();
        assertThat(created.cancelInitiatedAt()).isEmpty();

        MessageBatch ended = awaitEnded(client, created.id());
        assertThat(ended.requestCounts().succeeded()).isEqualTo(2);
        assertThat(ended.requestCounts().errored()).isEqualTo(1);
        assertThat(ended.requestCounts().processing()).isZero();
        assertThat(ended.requestCounts().canceled() + ended.requestCounts().expired()).isZero();
        assertThat(ended.endedAt()).isPresent();
        assertThat(ended.endedAt().get()).isAfterOrEqualTo(ended.createdAt());
        assertThat(ended.resultsUrl()).contains(gw.baseUrl() + "/v1/messages/batches/" + created.id() + "/results");

        Map<String, MessageBatchIndividualResponse> results = results(client, created.id());
        assertThat(results).containsOnlyKeys("greet-1", "greet-2", "refused");
        for (String id : List.of("greet-1", "greet-2")) {
            Message m = results.get(id).result().asSucceeded().message();
            assertThat(m.id()).startsWith("msg_");
            assertThat(m.model().asString()).isEqualTo(SIMULATED);
            assertThat(text(m)).contains(id.equals("greet-1") ? "Hello from one" : "Hello from two");
            assertThat(m.stopReason()).contains(StopReason.END_TURN);
            assertThat(m.usage().inputTokens()).isPositive();
        }
        var error = results.get("refused").result().asErrored().error();
        assertThat(error.error().isInvalidRequestError()).isTrue();
        assertThat(error.error().asInvalidRequestError().message()).contains("refuses every request");
    }

    @Test
    void listingIsNewestFirstAndTheSdkPagesThroughEveryBatch() throws InterruptedException {
        AnthropicClient lister = sdk(gw.createUserKey("anthropic-batch-lister", "user_pro"));
        List<String> oldestFirst = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            oldestFirst.add(create(lister, request("only", SIMULATED, "n" + i)).id());
            Thread.sleep(3); // distinct created_at, so "newest first" has one answer
        }
        List<String> newestFirst = oldestFirst.reversed();

        var first = lister.messages().batches().list(BatchListParams.builder().limit(2).build());
        assertThat(first.data().stream().map(MessageBatch::id).toList()).isEqualTo(newestFirst.subList(0, 2));
        assertThat(first.hasMore()).contains(true);
        assertThat(first.firstId()).contains(newestFirst.get(0));
        assertThat(first.lastId()).contains(newestFirst.get(1));

        List<String> paged = new ArrayList<>();
        first.autoPager().forEach(b -> paged.add(b.id()));
        assertThat(paged).isEqualTo(newestFirst);

        var before = lister.messages().batches().list(BatchListParams.builder().beforeId(newestFirst.get(2)).limit(1).build());
        assertThat(before.data().stream().map(MessageBatch::id).toList()).containsExactly(newestFirst.get(1));
        assertThat(before.hasMore()).contains(true);
        lister.close();
    }

    @Test
    void cancellingStopsPendingRequestsWhileTheRunningOneFinishes() {
        CompletableFuture<Void> gate = holdGatedUpstream();
        try {
            MessageBatch created = create(client, request("a", "gated-model", "first"), request("b", "gated-model", "second"),
                    request("c", "gated-model", "third"));
            BatchTesting.await(() -> gated.requests().size(), n -> n >= 1);

            MessageBatch canceling = client.messages().batches().cancel(created.id());
            assertThat(canceling.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.CANCELING);
            assertThat(canceling.cancelInitiatedAt()).isPresent();
            assertThat(canceling.resultsUrl()).isEmpty();
            gate.complete(null);

            MessageBatch ended = awaitEnded(client, created.id());
            assertThat(ended.requestCounts().succeeded()).isEqualTo(1);
            assertThat(ended.requestCounts().canceled()).isEqualTo(2);
            assertThat(ended.requestCounts().expired()).isZero();
            Map<String, MessageBatchIndividualResponse> results = results(client, created.id());
            assertThat(results.values().stream().filter(r -> r.result().isSucceeded())).hasSize(1);
            assertThat(results.values().stream().filter(r -> r.result().isCanceled())).hasSize(2);
        } finally {
            gate.complete(null);
            gated.reset();
        }
    }

    @Test
    void anEndedBatchCanBeDeletedAndARunningOneCannot() {
        CompletableFuture<Void> gate = holdGatedUpstream();
        String running;
        try {
            running = create(client, request("held", "gated-model", "wait")).id();
            assertThatThrownBy(() -> client.messages().batches().delete(running)).isInstanceOf(BadRequestException.class);
            assertThatThrownBy(() -> results(client, running)).isInstanceOf(BadRequestException.class);
        } finally {
            gate.complete(null);
            gated.reset();
        }
        awaitEnded(client, running);

        DeletedMessageBatch deleted = client.messages().batches().delete(running);
        assertThat(deleted.id()).isEqualTo(running);
        assertThatThrownBy(() -> client.messages().batches().retrieve(running)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.messages().batches().delete(running)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void anotherUsersBatchIsNotFoundOnEveryRoute() {
        String mine = create(client, request("mine", SIMULATED, "private")).id();
        awaitEnded(client, mine);
        AnthropicClient other = sdk(gw.createUserKey("anthropic-batch-stranger", "user_pro"));
        try {
            assertThatThrownBy(() -> other.messages().batches().retrieve(mine)).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> other.messages().batches().cancel(mine)).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> results(other, mine)).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> other.messages().batches().delete(mine)).isInstanceOf(NotFoundException.class);
            assertThat(other.messages().batches().list().data()).isEmpty();
        } finally {
            other.close();
        }
        assertThat(client.messages().batches().retrieve(mine).id()).isEqualTo(mine);
    }
}
