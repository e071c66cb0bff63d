package dev.tokengate.provider;

import dev.tokengate.config.GatewayConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP clients an upstream adapter sends with: one per event loop, so a request, its pooled upstream connection
 * and every callback stay on one thread (a pool shared by all loops hands a connection made on one loop to a request
 * on another, and each event then hops threads). Work off the event loops (workers, tests) shares one more client.
 * Each client keeps up to {@code upstream.max_connections} connections. Parsed upstream URLs are kept too.
 */
public final class UpstreamClients {
    private final Vertx vertx;
    private final HttpClientOptions options;
    private final PoolOptions pool;
    private final ConcurrentHashMap<Thread, HttpClientAgent> byLoop = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Target> targets = new ConcurrentHashMap<>();
    private final HttpClientAgent shared;

    private record Target(String host, int port, boolean ssl, String uri) {}

    public UpstreamClients(Vertx vertx, GatewayConfig.Upstream limits) {
        this.vertx = vertx;
        this.options = new HttpClientOptions().setKeepAlive(true).setConnectTimeout(limits.connectTimeoutMs())
                .setTcpNoDelay(true).setDecompressionSupported(true).setKeepAliveTimeout(60);
        this.pool = new PoolOptions().setHttp1MaxSize(limits.maxConnections()).setMaxWaitQueueSize(-1);
        this.shared = vertx.createHttpClient(options, pool);
    }

    /** The client for the calling thread. */
    public HttpClientAgent current() {
        if (!Context.isOnEventLoopThread()) return shared;
        Thread loop = Thread.currentThread();
        HttpClientAgent c = byLoop.get(loop);
        return c != null ? c : byLoop.computeIfAbsent(loop, t -> vertx.createHttpClient(options, pool));
    }

    /** A POST to {@code url} (absolute), without parsing the URL again on every request. */
    public RequestOptions post(String url) {
        Target t = targets.get(url);
        if (t == null) {
            URI u = URI.create(url);
            boolean ssl = "https".equalsIgnoreCase(u.getScheme());
            int port = u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80;
            String path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
            t = new Target(host, port, ssl, path);
            if (targets.size() < 10_000) targets.put(url, t);
        }
        return new RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST).setHost(t.host()).setPort(t.port())
                .setSsl(t.ssl()).setURI(t.uri());
    }
}
