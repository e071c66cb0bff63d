package dev.tokengate.provider;

import dev.tokengate.config.GatewayConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP clients an upstream adapter sends with: one per event loop, so a request, its pooled upstream connection
 * and every callback stay on one thread (a pool shared by all loops hands a connection made on one loop to a request
 * on another, and each event then hops threads). Work off the event loops (workers, tests) shares one more client.
 * Each client keeps up to {@code upstream.max_connections} connections per upstream host: over HTTP/1.1 an open stream
 * holds one for its whole length, so this is also the most concurrent streams an event loop carries to one upstream
 * before the next wait for a free connection. Deployments with {@code http2} get clients of their own that speak HTTP/2
 * (h2c with prior knowledge to an http:// URL, ALPN to an https:// one, falling back to HTTP/1.1 if the server offers
 * only that): up to {@value #HTTP2_STREAMS_PER_CONNECTION} streams share a connection (fewer if the server says so),
 * so 10,000 open streams need a hundred sockets instead of 10,000. Parsed upstream URLs are kept too.
 */
public final class UpstreamClients {
    static final int HTTP2_STREAMS_PER_CONNECTION = 100;
    /**
     * What an upstream may send on one HTTP/2 stream before the gateway has handed it on. A stream held back for its
     * slow client ({@link ClientPace}) keeps that much unread, in its own window and in the connection's; so the
     * connection's window is every stream's full one (Vert.x's defaults, 1 MB a stream and 16 MB a connection, let 16
     * held streams stall the other 84), and 256 KB rather than 1 MB bounds what a held stream holds in the heap.
     */
    static final int HTTP2_STREAM_WINDOW_BYTES = 256 * 1024;
    private final Vertx vertx;
    private final Family http1;
    private final Family http2;
    private final ConcurrentHashMap<String, Target> targets = new ConcurrentHashMap<>();
    private final int connectTimeoutMs;

    private record Target(String host, int port, boolean ssl, String uri) {}

    public UpstreamClients(Vertx vertx, GatewayConfig.Upstream limits) {
        this.vertx = vertx;
        this.connectTimeoutMs = limits.connectTimeoutMs();
        // the same number of concurrent calls per loop either way: an HTTP/2 connection carries up to 100 of them (a
        // bigger HTTP/2 pool only opens more half-empty connections while a burst of calls waits for the first ones)
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(limits.maxConnections())
                .setHttp2MaxSize(Math.max(1, limits.maxConnections() / HTTP2_STREAMS_PER_CONNECTION)).setMaxWaitQueueSize(-1);
        this.http1 = new Family(base(limits), pool);
        this.http2 = new Family(http2(limits), pool);
    }

    private static HttpClientOptions http2(GatewayConfig.Upstream limits) {
        HttpClientOptions o = base(limits).setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setUseAlpn(true)
                .setHttp2MultiplexingLimit(HTTP2_STREAMS_PER_CONNECTION).setHttp2KeepAliveTimeout(60)
                .setHttp2ConnectionWindowSize(HTTP2_STREAMS_PER_CONNECTION * HTTP2_STREAM_WINDOW_BYTES);
        o.getInitialSettings().setInitialWindowSize(HTTP2_STREAM_WINDOW_BYTES);
        return o;
    }

    private static HttpClientOptions base(GatewayConfig.Upstream limits) {
        return new HttpClientOptions().setKeepAlive(true).setConnectTimeout(limits.connectTimeoutMs())
                .setTcpNoDelay(true).setDecompressionSupported(true).setKeepAliveTimeout(60);
    }

    /** The client for the calling thread, speaking HTTP/2 when {@code http2}. */
    public HttpClientAgent current(boolean http2) {
        return (http2 ? this.http2 : http1).current();
    }

    /** The clients of one protocol: one per event loop, one more for work off the loops. */
    private final class Family {
        private final HttpClientOptions options;
        private final PoolOptions pool;
        private final ConcurrentHashMap<Thread, HttpClientAgent> byLoop = new ConcurrentHashMap<>();
        private volatile HttpClientAgent shared;

        Family(HttpClientOptions options, PoolOptions pool) {
            this.options = options;
            this.pool = pool;
        }

        HttpClientAgent current() {
            if (!Context.isOnEventLoopThread()) return shared();
            Thread loop = Thread.currentThread();
            HttpClientAgent c = byLoop.get(loop);
            return c != null ? c : byLoop.computeIfAbsent(loop, t -> vertx.createHttpClient(options, pool));
        }

        private HttpClientAgent shared() {
            HttpClientAgent c = shared;
            if (c != null) return c;
            synchronized (this) {
                if (shared == null) shared = vertx.createHttpClient(options, pool);
                return shared;
            }
        }
    }

    /**
     * A POST to {@code url} (absolute), without parsing the URL again on every request. Getting its connection, a new
     * one or a pooled one freed by another call when all {@code max_connections} are in use, may take at most the
     * connect timeout: a call never waits in the pool's queue without end.
     */
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
                .setSsl(t.ssl()).setURI(t.uri()).setConnectTimeout(connectTimeoutMs);
    }
}
