package dev.tokengate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.http.ApiFamily;
import dev.tokengate.support.TestGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes every route of the real server (SQLite storage) with malformed, truncated, deeply nested, wrongly typed, huge
 * and invalid-UTF-8 bodies, odd headers, garbage query parameters, path ids and methods. Every answer must be complete,
 * never a 5xx, a 4xx whenever the input is wrong, and every error in its API family's format. After each property the
 * server must still be healthy: /health answers, a normal request works, nothing is left in flight and no threads leaked.
 */
class BadInputFuzzTest {
    private static final int TRIES = 300;
    /** Threads the gateway may add during a property beyond its bounded pools (workers, blocking, fork-join). */
    private static final int THREAD_GROWTH_BOUND = 8;
    private static final List<String> BOUNDED_POOLS = List.of("vert.x-worker-thread-", "vert.x-internal-blocking-",
            "ForkJoinPool", "HttpClient-", "process reaper");

    /** Answers by family and status, printed at the end as the run's figures. */
    private static final Map<ApiFamily, Map<Integer, Integer>> STATUSES = new java.util.concurrent.ConcurrentHashMap<>();
    private static Path dir;
    private static TestGateway gateway;
    private static FuzzTargets targets;
    private static long baselineThreads;

    @BeforeContainer
    static void startGateway() throws IOException {
        dir = Files.createTempDirectory("tokengate-fuzz");
        gateway = TestGateway.start(FuzzTargets.gatewaySettings(dir));
        targets = new FuzzTargets(gateway);
        // warm the embedding model up so its threads exist before the baseline is taken
        assertThat(gateway.post("/v1/embeddings", targets.userKey, FuzzTargets.EMBEDDINGS).status()).isEqualTo(200);
        baselineThreads = unpooledThreads();
    }

    @AfterContainer
    static void stopGateway() throws IOException {
        STATUSES.forEach((family, statuses) -> System.out.printf("fuzz: %s answers by status: %s%n", family, statuses));
        if (gateway != null) gateway.close();
        if (dir != null) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void openAiRoutesAnswerBadInputWithA4xxInOpenAiShape(@ForAll("openAiCases") FuzzCase c) {
        check(c);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void jobRoutesAnswerBadInputWithA4xxInTheirEnvelope(@ForAll("jobCases") FuzzCase c) {
        check(c);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void adminRoutesAnswerBadInputWithA4xxInOpenAiShape(@ForAll("adminCases") FuzzCase c) {
        check(c);
    }

    @Example
    void everyFieldOfEveryBodyRejectsEveryWrongType() {
        List<String> accepted = new java.util.ArrayList<>();
        int sent = 0;
        for (Route route : targets.all()) {
            if (!route.hasBody()) continue;
            for (FuzzCase c : FuzzCase.everyWrongType(route)) {
                sent++;
                try {
                    check(c);
                } catch (AssertionError e) {
                    accepted.add(e.getMessage());
                }
            }
        }
        System.out.printf("fuzz: wrong-type sweep sent %d requests%n", sent);
        assertThat(accepted).as("wrong types that were not answered with a 4xx in the family's format").isEmpty();
    }

    @AfterProperty
    void serverStaysHealthy() {
        assertThat(RawHttp.exchange(gateway.port(), RawHttp.Request.of("GET", "/health", null, null)).status()).isEqualTo(200);
        TestGateway.Resp chat = gateway.post("/v1/chat/completions", targets.userKey,
                "{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"still there?\"}]}");
        assertThat(chat.status()).as(chat.body()).isEqualTo(200);
        assertThat(chat.json().path("choices").path(0).path("message").path("content").asText()).isNotBlank();
        // the scrape itself is the one request in flight
        String inFlight = Arrays.stream(gateway.get("/metrics", null).body().split("\n"))
                .filter(l -> l.startsWith("tokengate_requests_in_flight ")).findFirst().orElseThrow();
        assertThat(inFlight).isEqualTo("tokengate_requests_in_flight 1");
        long threads = unpooledThreads();
        System.out.printf("fuzz: live threads outside bounded pools: %d before, %d after%n", baselineThreads, threads);
        assertThat(threads).as("threads outside the bounded pools").isLessThanOrEqualTo(baselineThreads + THREAD_GROWTH_BOUND);
    }

    @Provide
    Arbitrary<FuzzCase> openAiCases() {
        return cases(ApiFamily.OPENAI);
    }

    @Provide
    Arbitrary<FuzzCase> jobCases() {
        return cases(ApiFamily.JOBS);
    }

    @Provide
    Arbitrary<FuzzCase> adminCases() {
        return cases(ApiFamily.ADMIN);
    }

    private static Arbitrary<FuzzCase> cases(ApiFamily family) {
        return Arbitraries.of(targets.routes(family)).flatMap(route -> {
            List<Attack> attacks = Arrays.stream(Attack.values())
                    .filter(a -> FuzzCase.applies(a, route, targets.methodsOf(route.template()))).toList();
            return Arbitraries.of(attacks).flatMap(attack -> Arbitraries.longs()
                    .map(seed -> FuzzCase.build(route, attack, seed, targets.methodsOf(route.template()))));
        });
    }

    private static void check(FuzzCase c) {
        int status = ErrorFormats.assertAnswer(gateway.port(), c);
        STATUSES.computeIfAbsent(c.route().family(), f -> new java.util.concurrent.ConcurrentSkipListMap<>())
                .merge(status, 1, Integer::sum);
    }

    private static long unpooledThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> BOUNDED_POOLS.stream().noneMatch(p -> t.getName().startsWith(p))).count();
    }
}
