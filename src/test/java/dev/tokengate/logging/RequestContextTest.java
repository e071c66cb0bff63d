package dev.tokengate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Any line logged while a request is handled carries its id, also from blocking work; other lines carry none. */
class RequestContextTest {
    private static final Logger LOG = LoggerFactory.getLogger(RequestContextTest.class);
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void linesLoggedOnARequestsContextCarryItsIdAlsoFromBlockingWork() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            ContextInternal request = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
            CompletableFuture<Void> done = new CompletableFuture<>();
            request.runOnContext(v -> {
                RequestContext.bind("req-ctx-1");
                LOG.info("on the event loop");
                vertx.executeBlocking(() -> {
                    LOG.info("on a worker");
                    return null;
                }, false).onComplete(ar -> done.complete(null));
            });
            done.get(10, TimeUnit.SECONDS);

            assertThat(log.await(n -> n.path("message").asText().equals("on the event loop"), "from the loop")
                    .path("request_id").asText()).isEqualTo("req-ctx-1");
            assertThat(log.await(n -> n.path("message").asText().equals("on a worker"), "from the worker")
                    .path("request_id").asText()).isEqualTo("req-ctx-1");
        }
    }

    @Test
    void linesLoggedOutsideARequestHaveNoId() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            vertx.getOrCreateContext().runOnContext(v -> {
                RequestContext.bind("req-ignored");
                LOG.info("on a shared context");
                done.complete(null);
            });
            done.get(10, TimeUnit.SECONDS);

            assertThat(log.await(n -> n.path("message").asText().equals("on a shared context"), "from the shared context")
                    .has("request_id")).isFalse();
        }
    }
}
