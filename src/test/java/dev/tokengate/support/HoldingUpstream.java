package dev.tokengate.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An OpenAI-compatible upstream on a free 127.0.0.1 port that holds every chat request until the test releases it,
 * counting the requests in flight (arrived, answer not yet sent) and the most it ever had at once.
 */
public final class HoldingUpstream implements AutoCloseable {
    private static final String ANSWER = Fixtures.text("openai/completion-text.json");
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpServer server;
    private final List<HttpServerResponse> held = new ArrayList<>();
    private final List<String> bodies = new ArrayList<>();
    private int peak;

    private HoldingUpstream() {
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            synchronized (this) {
                bodies.add(body.toString());
                held.add(req.response());
                peak = Math.max(peak, held.size());
            }
        }));
    }

    public static HoldingUpstream start() {
        HoldingUpstream upstream = new HoldingUpstream();
        await(upstream.server.listen(0, "127.0.0.1"));
        return upstream;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    public synchronized int inFlight() {
        return held.size();
    }

    /** The most requests that were in flight at the same time. */
    public synchronized int peak() {
        return peak;
    }

    /** The bodies of every request received so far. */
    public synchronized List<String> received() {
        return List.copyOf(bodies);
    }

    /** Answers every request held now with a text completion. */
    public void releaseAll() {
        List<HttpServerResponse> now;
        synchronized (this) {
            now = List.copyOf(held);
            held.clear();
        }
        for (HttpServerResponse r : now) {
            vertx.runOnContext(v -> r.setStatusCode(200).putHeader("Content-Type", "application/json").end(ANSWER));
        }
    }

    @Override
    public void close() {
        releaseAll();
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}
