package dev.tokengate.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A small lock-free Prometheus registry: labelled counters, histograms with fixed buckets, and gauges. Written by hand
 * rather than with Micrometer to keep the per-request cost to a map lookup and two atomic adds.
 */
public final class Metrics {
    private static final double[] BUCKETS_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
    /** The same bounds in nanoseconds, so an observation is placed without a division. */
    private static final long[] BUCKETS_NANOS = new long[BUCKETS_SECONDS.length];

    static {
        for (int i = 0; i < BUCKETS_SECONDS.length; i++) BUCKETS_NANOS[i] = Math.round(BUCKETS_SECONDS[i] * 1e9);
    }

    private final Map<RequestSeries, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, Histogram> upstreamLatency = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> upstreamErrors = new ConcurrentHashMap<>();
    /** By deployment id: its label text and histogram, made once (the maps above stay keyed by label text for the scrape). */
    private final Map<String, Upstream> upstreams = new ConcurrentHashMap<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final RecentRequests recentRequests = new RecentRequests(500);

    /** The labels of a request counter, looked up without building its label text on every request. */
    private record RequestSeries(String route, String model, int status) {}

    /** A counter with its label text, made once per series. */
    private record Counter(String labels, LongAdder count) {}

    /** The series of one deployment's upstream calls. */
    private record Upstream(String labels, Histogram latency) {}

    private static final class Histogram {
        // adders rather than one atomic array: both event loops count into the same bucket all the time
        final LongAdder[] counts = new LongAdder[BUCKETS_NANOS.length + 1];
        final LongAdder sumNanos = new LongAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
        }

        void observe(long nanos) {
            int i = 0;
            while (i < BUCKETS_NANOS.length && nanos > BUCKETS_NANOS[i]) i++;
            counts[i].increment();
            sumNanos.add(nanos);
        }
    }

    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    public void requestFinished(String route, String model, int status, long nanos) {
        inFlight.decrementAndGet();
        RequestSeries series = new RequestSeries(route, model, status);
        Counter c = requests.get(series);
        if (c == null) {
            c = requests.computeIfAbsent(series, k -> new Counter("route=\"" + route + "\",model=\"" + escape(model)
                    + "\",status=\"" + status + "\"", new LongAdder()));
        }
        c.count().increment();
        Histogram h = latency.get(route);
        if (h == null) h = latency.computeIfAbsent(route, k -> new Histogram());
        h.observe(nanos);
    }

    public void upstreamCall(String deployment, long nanos, boolean ok) {
        String id = deployment == null ? "" : deployment;
        Upstream u = upstreams.get(id);
        if (u == null) {
            u = upstreams.computeIfAbsent(id, k -> {
                String labels = "deployment=\"" + escape(k) + "\"";
                return new Upstream(labels, upstreamLatency.computeIfAbsent(labels, l -> new Histogram()));
            });
        }
        u.latency().observe(nanos);
        if (!ok) upstreamErrors.computeIfAbsent(u.labels(), k -> new LongAdder()).increment();
    }

    /** The last requests answered, for the console's live log (not part of the Prometheus scrape). */
    public RecentRequests recentRequests() {
        return recentRequests;
    }

    public long inFlight() {
        return inFlight.get();
    }

    public String scrape() {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("# HELP tokengate_requests_total Requests handled, by route, model and status.\n");
        sb.append("# TYPE tokengate_requests_total counter\n");
        requests.values().forEach(c -> sb.append("tokengate_requests_total{").append(c.labels()).append("} ").append(c.count().sum()).append('\n'));
        Map<String, Histogram> byRoute = new java.util.LinkedHashMap<>();
        latency.forEach((route, h) -> byRoute.put("route=\"" + route + "\"", h));
        histogram(sb, "tokengate_request_duration_seconds", "Time from request to response end.", byRoute);
        histogram(sb, "tokengate_upstream_duration_seconds", "Time spent in upstream calls, by deployment.", upstreamLatency);
        sb.append("# HELP tokengate_upstream_errors_total Failed upstream calls, by deployment.\n");
        sb.append("# TYPE tokengate_upstream_errors_total counter\n");
        upstreamErrors.forEach((l, v) -> sb.append("tokengate_upstream_errors_total{").append(l).append("} ").append(v.sum()).append('\n'));
        sb.append("# HELP tokengate_requests_in_flight Requests being handled now.\n");
        sb.append("# TYPE tokengate_requests_in_flight gauge\n");
        sb.append("tokengate_requests_in_flight ").append(inFlight.get()).append('\n');
        return sb.toString();
    }

    private static void histogram(StringBuilder sb, String name, String help, Map<String, Histogram> map) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" histogram\n");
        map.forEach((labels, h) -> {
            long cumulative = 0;
            for (int i = 0; i <= BUCKETS_SECONDS.length; i++) {
                cumulative += h.counts[i].sum();
                String le = i < BUCKETS_SECONDS.length ? Double.toString(BUCKETS_SECONDS[i]) : "+Inf";
                sb.append(name).append("_bucket{").append(labels).append(",le=\"").append(le).append("\"} ").append(cumulative).append('\n');
            }
            sb.append(name).append("_sum{").append(labels).append("} ").append(h.sumNanos.sum() / 1e9).append('\n');
            sb.append(name).append("_count{").append(labels).append("} ").append(cumulative).append('\n');
        });
    }

    private static String escape(String s) {
        if (s == null) return "";
        boolean clean = true;
        for (int i = 0; i < s.length() && clean; i++) {
            char c = s.charAt(i);
            clean = c != '\\' && c != '"' && c != '\n';
        }
        return clean ? s : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
