package dev.tokengate.app;

import dev.tokengate.http.HttpApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/** One HTTP server instance per event loop, all sharing the same port and the same services. */
final class HttpVerticle extends VerticleBase {
    private final HttpApi.Deps deps;
    private final String host;
    private final int port;
    private HttpServer server;

    HttpVerticle(HttpApi.Deps deps, String host, int port) {
        this.deps = deps;
        this.host = host;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        HttpServerOptions opts = new HttpServerOptions().setHost(host).setPort(port).setTcpNoDelay(true)
                .setCompressionSupported(false).setIdleTimeout(300).setMaxInitialLineLength(8192)
                // a burst of new connections (thousands of streams opening) must not overflow the default 1024
                .setAcceptBacklog(8192)
                // HTTP/1.1 only: an h2c upgrade (java.net.http asks for one on bodiless requests) broke large answers
                .setHttp2ClearTextEnabled(false)
                // no WebSockets here: without these Vert.x puts a WebSocket extension handler in every connection's pipeline
                .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false);
        server = vertx.createHttpServer(opts).requestHandler(HttpApi.router(vertx, deps))
                .invalidRequestHandler(HttpApi::invalidRequest);
        return server.listen();
    }

    int actualPort() {
        return server.actualPort();
    }
}
