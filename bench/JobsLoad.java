import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load client of the job API benchmark (issues 9 and 3), against a running gateway (bench/jobs.sh starts one). One
 * Vert.x event loop with a connection pool as large as the concurrency, so the client stays far from being the
 * bottleneck (a Python client with 32 threads was). With the zero-latency simulated model it measures:
 * <ol>
 *   <li>synchronous job overhead: p50 of POST /api/v1/jobs/messages minus p50 of the same chat completion,
 *       sequential, one connection;</li>
 *   <li>synchronous jobs per second: N jobs, C of them in flight at any time, end to end (each answer is the finished
 *       job, 200);</li>
 *   <li>a message batch of M requests: time from POST /v1/messages/batches to status completed.</li>
 * </ol>
 * Every request differs, so the message cache never answers. Prints markdown table rows.
 *
 * <p>Run: {@code java -cp target/tokengate.jar bench/JobsLoad.java BASE_URL KEY SEQ JOBS CONCURRENCY BATCH}
 */
public final class JobsLoad {
    private static HttpClient client;
    private static String host;
    private static int port;
    private static String auth;

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        host = base.getHost();
        port = base.getPort();
        auth = "Bearer " + args[1];
        int seq = Integer.parseInt(args[2]);
        int jobs = Integer.parseInt(args[3]);
        int concurrency = Integer.parseInt(args[4]);
        int batch = Integer.parseInt(args[5]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(Math.max(concurrency, 1)).setMaxWaitQueueSize(-1));
        try {
            warmUp();
            if (seq > 0) sequential(seq);
            if (jobs > 0) throughput(jobs, concurrency);
            if (batch > 0) messageBatch(batch);
        } finally {
            vertx.close().await();
        }
    }

    private static void warmUp() {
        // the gateway's JIT needs a few thousand requests before its figures mean anything
        runConcurrently(3000, 64, i -> post("/api/v1/jobs/messages", job(-1 - i)));
        runConcurrently(3000, 64, i -> post("/v1/chat/completions", chat(-1 - i)));
        for (int i = 0; i < 200; i++) {
            post("/v1/chat/completions", chat(-10_000 - i)).await();
            post("/api/v1/jobs/messages", job(-10_000 - i)).await();
        }
    }

    private static void sequential(int n) {
        double[] chat = new double[n];
        double[] job = new double[n];
        // interleaved, so both sides see the same background load
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            Reply c = post("/v1/chat/completions", chat(10_000_000 + i)).await();
            chat[i] = (System.nanoTime() - t) / 1e6;
            if (c.status != 200) throw new IllegalStateException("chat answered " + c.status + ": " + c.body);
            t = System.nanoTime();
            Reply r = post("/api/v1/jobs/messages", job(20_000_000 + i)).await();
            job[i] = (System.nanoTime() - t) / 1e6;
            if (r.status != 200 || !"completed".equals(r.json().getJsonObject("data").getString("status"))) {
                throw new IllegalStateException("job answered " + r.status + ": " + r.body);
            }
        }
        System.out.printf("| synchronous job p50 | %.2f ms |%n", p50(job));
        System.out.printf("| same chat completion p50 | %.2f ms |%n", p50(chat));
        System.out.printf("| job overhead at p50 | %.2f ms |%n", p50(job) - p50(chat));
    }

    private static void throughput(int n, int concurrency) {
        Cpu cpu = Cpu.now();
        long t = System.nanoTime();
        AtomicInteger not200 = runConcurrently(n, concurrency, i -> post("/api/v1/jobs/messages", job(100_000_000 + i)));
        double s = (System.nanoTime() - t) / 1e9;
        System.out.printf("| synchronous jobs per second (%d jobs, %d in flight) | %.0f jobs/s (%d not 200) |%n",
                n, concurrency, n / s, not200.get());
        cpu.print("per synchronous job", n);
    }

    private static void messageBatch(int n) throws InterruptedException {
        JsonArray requests = new JsonArray();
        for (int i = 0; i < n; i++) requests.add(new JsonObject().put("input", "batch item " + i).put("model", "gpt-5-mini"));
        Cpu cpu = Cpu.now();
        long t = System.nanoTime();
        Reply created = post("/v1/messages/batches", new JsonObject().put("requests", requests)).await();
        if (created.status != 200) throw new IllegalStateException("batch answered " + created.status + ": " + created.body);
        double createdS = (System.nanoTime() - t) / 1e9;
        String id = created.json().getString("id");
        JsonObject b;
        while (true) {
            b = get("/v1/messages/batches/" + id).await().json();
            if (!"running".equals(b.getString("status"))) break;
            Thread.sleep(50);
        }
        double s = (System.nanoTime() - t) / 1e9;
        JsonObject rc = b.getJsonObject("metadata").getJsonObject("request_counts");
        System.out.printf("| message batch of %d: %s in %.1f s (created in %.1f s) | %.0f items/s (completed %d, failed %d) |%n",
                n, b.getString("status"), s, createdS, n / s, rc.getInteger("completed"), rc.getInteger("failed"));
        cpu.print("per batch item", n);
    }

    /**
     * CPU time (user + system) of the gateway (BENCH_GW_PID) and of all PostgreSQL server processes, read from /proc:
     * unlike wall time it hardly depends on what else the machine runs. Prints nothing without a gateway pid.
     */
    record Cpu(long gatewayTicks, long postgresTicks) {
        private static final double MS_PER_TICK = 10.0; // USER_HZ is 100 on Linux

        static Cpu now() {
            String pid = System.getenv("BENCH_GW_PID");
            return new Cpu(pid == null ? -1 : ticks(java.nio.file.Path.of("/proc", pid)), postgres());
        }

        void print(String what, int n) {
            if (gatewayTicks < 0) return;
            Cpu end = now();
            System.out.printf("| gateway CPU %s | %.3f ms |%n", what, (end.gatewayTicks - gatewayTicks) * MS_PER_TICK / n);
            if (System.getenv("BENCH_DB") != null) {
                System.out.printf("| PostgreSQL CPU %s (all its processes, other users included) | %.3f ms |%n", what,
                        (end.postgresTicks - postgresTicks) * MS_PER_TICK / n);
            }
        }

        private static long postgres() {
            long sum = 0;
            try (var dirs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
                for (var d : dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                    try {
                        if (java.nio.file.Files.readString(d.resolve("comm")).trim().equals("postgres")) sum += ticks(d);
                    } catch (java.io.IOException | RuntimeException e) {
                        // the process ended meanwhile
                    }
                }
            } catch (java.io.IOException e) {
                return 0;
            }
            return sum;
        }

        private static long ticks(java.nio.file.Path proc) {
            try {
                String stat = java.nio.file.Files.readString(proc.resolve("stat"));
                // fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (java.io.IOException e) {
                return 0;
            }
        }
    }

    /** Sends n requests keeping {@code concurrency} in flight; waits for all; returns how many were not 200. */
    private static AtomicInteger runConcurrently(int n, int concurrency, java.util.function.IntFunction<Future<Reply>> send) {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger not200 = new AtomicInteger();
        AtomicLong firstError = new AtomicLong();
        Promise<Void> all = Promise.promise();
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= n) return;
            send.apply(i).onComplete(ar -> {
                if (ar.failed() || ar.result().status != 200) {
                    not200.incrementAndGet();
                    if (firstError.compareAndSet(0, 1)) {
                        System.err.println("first non-200: " + (ar.failed() ? ar.cause() : ar.result().status + " " + ar.result().body));
                    }
                }
                if (done.incrementAndGet() == n) all.complete();
                else loop[0].run();
            });
        };
        for (int k = 0; k < Math.min(concurrency, n); k++) loop[0].run();
        all.future().await();
        return not200;
    }

    record Reply(int status, String body) {
        JsonObject json() { return new JsonObject(body); }
    }

    private static Future<Reply> post(String path, JsonObject body) {
        return send(HttpMethod.POST, path, body.toBuffer());
    }

    private static Future<Reply> get(String path) {
        return send(HttpMethod.GET, path, null);
    }

    private static Future<Reply> send(HttpMethod method, String path, Buffer body) {
        RequestOptions o = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(path)
                .putHeader("Authorization", auth).putHeader("Content-Type", "application/json");
        return client.request(o).compose(req -> (body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toString()))));
    }

    private static JsonObject job(long i) {
        return new JsonObject().put("model", "gpt-5-mini").put("timeout", 120)
                .put("response_format", new JsonObject().put("format", "text"))
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "benchmark question " + i)));
    }

    private static JsonObject chat(long i) {
        return new JsonObject().put("model", "gpt-5-mini")
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "benchmark question " + i)));
    }

    private static double p50(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
