package dev.tokengate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a Prometheus scrape shows for upstream calls and requests: label text, bucket bounds (inclusive), errors. */
class MetricsScrapeTest {
    @Test
    void upstreamCallsAreCountedPerDeploymentWithInclusiveBucketBounds() {
        Metrics m = new Metrics();
        m.upstreamCall("gpt \"4o\"#0/openai", 1_000_000, true);   // exactly 1 ms: the 0.001 bucket
        m.upstreamCall("gpt \"4o\"#0/openai", 1_000_001, false);  // just above: the 0.0025 bucket
        m.upstreamCall("other#1", 200_000_000_000L, false);      // above every bound: +Inf only

        String text = m.scrape();

        String labels = "deployment=\"gpt \\\"4o\\\"#0/openai\"";
        assertThat(text).contains("tokengate_upstream_duration_seconds_bucket{" + labels + ",le=\"5.0E-4\"} 0\n");
        assertThat(text).contains("tokengate_upstream_duration_seconds_bucket{" + labels + ",le=\"0.001\"} 1\n");
        assertThat(text).contains("tokengate_upstream_duration_seconds_bucket{" + labels + ",le=\"0.0025\"} 2\n");
        assertThat(text).contains("tokengate_upstream_duration_seconds_count{" + labels + "} 2\n");
        assertThat(text).contains("tokengate_upstream_errors_total{" + labels + "} 1\n");
        assertThat(text).contains("tokengate_upstream_duration_seconds_bucket{deployment=\"other#1\",le=\"120.0\"} 0\n");
        assertThat(text).contains("tokengate_upstream_duration_seconds_bucket{deployment=\"other#1\",le=\"+Inf\"} 1\n");
        assertThat(text).contains("tokengate_upstream_errors_total{deployment=\"other#1\"} 1\n");
    }

    @Test
    void requestsAreCountedByRouteModelAndStatus() {
        Metrics m = new Metrics();
        m.requestStarted();
        m.requestStarted();
        m.requestFinished("/v1/chat/completions", "gpt-4o", 200, 2_500_000);
        assertThat(m.inFlight()).isEqualTo(1);
        m.requestFinished("/v1/chat/completions", "gpt-4o", 200, 2_500_001);

        String text = m.scrape();

        assertThat(text).contains("tokengate_requests_total{route=\"/v1/chat/completions\",model=\"gpt-4o\",status=\"200\"} 2\n");
        assertThat(text).contains("tokengate_request_duration_seconds_bucket{route=\"/v1/chat/completions\",le=\"0.0025\"} 1\n");
        assertThat(text).contains("tokengate_request_duration_seconds_bucket{route=\"/v1/chat/completions\",le=\"0.005\"} 2\n");
        assertThat(text).contains("tokengate_requests_in_flight 0\n");
    }
}
