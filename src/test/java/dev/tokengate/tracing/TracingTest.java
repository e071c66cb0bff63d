package dev.tokengate.tracing;

import static dev.tokengate.support.Clients.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.FakeUpstream;
import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.Fixtures;
import dev.tokengate.support.OtlpReceiver;
import dev.tokengate.support.OtlpReceiver.Received;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With tracing on, the gateway exports its spans to an OTLP collector (a real one, started here, decoding the protobuf
 * requests): the request's server span, the upstream attempts as client spans below it, and a job's queue wait. Each test
 * closes its gateway, which flushes the spans still buffered, before it reads what the collector received.
 */
class TracingTest {
    private static final String MODEL = "traced-model";
    private static final String PAIR = "traced-pair";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01";

    @TempDir
    Path dir;
    FakeUpstream upstream;
    OtlpReceiver collector;
    TestGateway gw;
    String key;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        collector = OtlpReceiver.start();
    }

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        upstream.close();
        collector.close();
    }

    private void startGateway(boolean tracing) {
        Path config = new UpstreamModels().model(MODEL, upstream.baseUrl()).model(PAIR, upstream.baseUrl("a"), upstream.baseUrl("b"))
                .writeTo(dir);
        gw = TestGateway.start(config, Map.of("tracing.enabled", Boolean.toString(tracing), "tracing.otlp_endpoint", collector.endpoint(),
                "tracing.service_name", "tokengate-under-test"), UpstreamModels.ENV);
        key = gw.createUserKey("traced", "user_pro");
    }

    /** Stops the gateway (which exports what it still holds) and returns every span the collector received. */
    private List<Received> exportedSpans() {
        gw.close();
        gw = null;
        return collector.spans();
    }

    private TestGateway.Resp chat(String model, String traceparent) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(chatBody(model, false, null)));
        if (traceparent != null) b.header("traceparent", traceparent);
        return gw.send(b, key);
    }

    private static Received only(List<Received> spans, String name) {
        List<Received> named = spans.stream().filter(s -> s.name().equals(name)).toList();
        assertThat(named).as("spans named '%s' among %s", name, spans.stream().map(Received::name).toList()).hasSize(1);
        return named.get(0);
    }

    /** A traceparent naming {@code span} as the parent, as "trace id/span id"; fails unless it says sampled. */
    private static String traceparent(String traceId, Received span) {
        return traceId + "/" + span.spanId();
    }

    private static String parentNamedBy(String traceparent) {
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        String[] parts = traceparent.split("-");
        // sampled; the SDK may also set W3C level 2's random-trace-id flag (03)
        assertThat(Integer.parseInt(parts[3], 16) & 1).as(traceparent).isEqualTo(1);
        return parts[1] + "/" + parts[2];
    }

    private static String describe(List<Received> spans) {
        StringBuilder sb = new StringBuilder("spans:\n");
        for (Received s : spans) {
            sb.append("  ").append(s.name()).append(" trace=").append(s.traceId()).append(" id=").append(s.spanId())
                    .append(" parent=").append(s.parentSpanId()).append(" job=").append(s.attribute("tokengate.job.id"))
                    .append(" start=").append(s.span().getStartTimeUnixNano()).append(" end=").append(s.span().getEndTimeUnixNano()).append('\n');
        }
        return sb.toString();
    }

    private static List<Received> childrenOf(List<Received> spans, Received parent) {
        return spans.stream().filter(s -> s.traceId().equals(parent.traceId()) && s.parentSpanId().equals(parent.spanId())).toList();
    }

    @Test
    void aChatCompletionIsAServerSpanContinuingTheClientsTraceWithTheUpstreamCallBelowIt() {
        startGateway(true);

        TestGateway.Resp resp = chat(MODEL, TRACEPARENT);
        assertThat(resp.status()).as(resp.body()).isEqualTo(200);
        String sentUpstream = upstream.onlyRequest().header("traceparent");
        List<Received> spans = exportedSpans();

        Received server = only(spans, "POST /v1/chat/completions");
        assertThat(server.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
        assertThat(server.traceId()).isEqualTo(TRACE_ID);
        assertThat(server.parentSpanId()).isEqualTo(CLIENT_SPAN_ID);
        assertThat(server.serviceName()).isEqualTo("tokengate-under-test");
        assertThat(server.attribute("http.route")).isEqualTo("/v1/chat/completions");
        assertThat(server.attribute("http.request.method")).isEqualTo("POST");
        assertThat(server.attribute("http.response.status_code")).isEqualTo("200");
        assertThat(server.attribute("tokengate.request_id")).isEqualTo(resp.header("X-Request-Id"));

        List<Received> upstreamSpans = childrenOf(spans, server);
        assertThat(upstreamSpans).hasSize(1);
        Received call = upstreamSpans.get(0);
        assertThat(call.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
        assertThat(call.attribute("tokengate.deployment")).startsWith(MODEL);
        assertThat(call.attribute("tokengate.model")).isEqualTo(MODEL);
        assertThat(call.attribute("gen_ai.provider.name")).isEqualTo("openai");
        assertThat(call.attribute("gen_ai.request.model")).isEqualTo(UpstreamModels.UPSTREAM_MODEL);
        assertThat(call.attribute("http.response.status_code")).isEqualTo("200");
        assertThat(call.attribute("tokengate.upstream.retry")).isEqualTo("0");
        assertThat(call.failed()).isFalse();
        // the upstream was asked as part of the client's trace, by the client span
        assertThat(parentNamedBy(sentUpstream)).isEqualTo(traceparent(TRACE_ID, call));
        assertThat(collector.contentTypes()).allMatch(t -> t.startsWith("application/x-protobuf"));
    }

    @Test
    void aFailoverIsTwoUpstreamSpansTheFailedOneMarkedWithItsStatus() {
        startGateway(true);
        upstream.then(Reply.json(500, Fixtures.text("openai/error-500-server.json")));

        assertThat(chat(PAIR, null).status()).isEqualTo(200);
        List<Received> spans = exportedSpans();

        Received server = only(spans, "POST /v1/chat/completions");
        List<Received> calls = childrenOf(spans, server);
        assertThat(calls).hasSize(2).allMatch(c -> c.kind() == SpanKind.SPAN_KIND_CLIENT);
        Received failed = calls.stream().filter(Received::failed).findFirst().orElseThrow();
        Received served = calls.stream().filter(c -> !c.failed()).findFirst().orElseThrow();
        assertThat(failed.attribute("http.response.status_code")).isEqualTo("500");
        assertThat(failed.attribute("tokengate.upstream.retry")).isEqualTo("0");
        assertThat(served.attribute("http.response.status_code")).isEqualTo("200");
        assertThat(served.attribute("tokengate.upstream.retry")).isEqualTo("1");
        assertThat(failed.attribute("tokengate.deployment")).isNotEqualTo(served.attribute("tokengate.deployment"));
        // each attempt sent its own span as the upstream request's parent
        assertThat(upstream.requests()).extracting(r -> parentNamedBy(r.header("traceparent")))
                .containsExactlyInAnyOrder(traceparent(server.traceId(), failed), traceparent(server.traceId(), served));
    }

    @Test
    void aJobThroughTheJobApiRecordsItsQueueWaitWithTheUpstreamCallInTheSameTrace() {
        startGateway(true);

        TestGateway.Resp resp = gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/api/v1/jobs/messages"))
                .header("Content-Type", "application/json").header("x-api-key", key).header("traceparent", TRACEPARENT)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"timeout\":30,"
                        + "\"response_format\":{\"format\":\"text\"},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")), null);
        assertThat(resp.status()).as(resp.body()).isEqualTo(200);
        String jobId = resp.json().path("data").path("job_id").asText();
        List<Received> spans = exportedSpans();

        Received server = only(spans, "POST /api/v1/jobs/messages");
        Received wait = only(spans, "job queue wait");
        assertThat(wait.traceId()).isEqualTo(TRACE_ID);
        assertThat(wait.parentSpanId()).isEqualTo(server.spanId());
        assertThat(wait.attribute("tokengate.job.id")).isEqualTo(jobId);
        assertThat(wait.attribute("tokengate.job.kind")).isEqualTo("message");
        assertThat(wait.attribute("tokengate.job.attempt")).isEqualTo("1");
        assertThat(wait.span().getEndTimeUnixNano()).isGreaterThanOrEqualTo(wait.span().getStartTimeUnixNano());
        List<Received> calls = childrenOf(spans, wait);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
        assertThat(parentNamedBy(upstream.onlyRequest().header("traceparent"))).isEqualTo(traceparent(TRACE_ID, calls.get(0)));
    }

    @Test
    void theItemsOfABatchEachRecordTheirQueueWait() {
        startGateway(true);

        TestGateway.Resp created = gw.post("/v1/messages/batches", key,
                "{\"requests\":[{\"input\":\"first\",\"model\":\"" + MODEL + "\"},{\"input\":\"second\",\"model\":\"" + MODEL + "\"}]}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        awaitBatchCompleted(created.json().path("id").asText());
        List<Received> spans = exportedSpans();

        List<Received> waits = spans.stream().filter(s -> s.name().equals("job queue wait")).toList();
        assertThat(waits).hasSize(2).allMatch(w -> "batch_item".equals(w.attribute("tokengate.job.kind")));
        assertThat(waits).extracting(w -> w.attribute("tokengate.batch.id")).doesNotContainNull().containsOnly(waits.get(0).attribute("tokengate.batch.id"));
        for (Received w : waits) {
            assertThat(childrenOf(spans, w)).as(describe(spans)).hasSize(1).allMatch(c -> c.kind() == SpanKind.SPAN_KIND_CLIENT);
        }
    }

    @Test
    void withTracingOffNoTraceparentGoesUpstreamAndNothingIsExported() {
        startGateway(false);

        assertThat(chat(MODEL, TRACEPARENT).status()).isEqualTo(200);

        assertThat(upstream.onlyRequest().headers()).doesNotContainKey("traceparent");
        assertThat(exportedSpans()).isEmpty();
    }

    private void awaitBatchCompleted(String id) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = gw.get("/v1/messages/batches/" + id, key).json();
            if (last.path("status").asText().equals("completed")) return;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("batch " + id + " did not complete: " + last);
    }
}
