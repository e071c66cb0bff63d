import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.transport.Transport;

/**
 * The practical floor for one JVM hop on this machine: a minimal Vert.x pass-through proxy with no auth, no parsing and
 * no metrics. It forwards POST /v1/chat/completions to the upstream and relays status, content type and body as they
 * arrive (so SSE passes through too). One verticle per core, each with its own pooled client, so a request never leaves
 * its event loop.
 *
 * <p>TRANSPORT is the gateway's {@code server.transport} choice: auto (the default, as the gateway's: io_uring where the
 * kernel allows it, else epoll), io_uring or epoll; so that the floor runs on the same transport as the gateway measured
 * against it.
 *
 * <p>UPSTREAM_PROTOCOL is http1 (the default: pooled HTTP/1.1 connections, one per call in flight) or h2c (HTTP/2 with
 * prior knowledge, up to 100 calls per connection, as the gateway's deployments with {@code http2: true}): the floor for
 * bench/streams.sh, where thousands of streams are open at once.
 *
 * <p>Run: {@code java -cp target/tokengate.jar bench/proxy/BareProxy.java PORT UPSTREAM_PORT [TRANSPORT [UPSTREAM_PROTOCOL]]}
 */
public final class BareProxy {
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: BareProxy PORT UPSTREAM_PORT [auto|io_uring|epoll [http1|h2c]]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int upstreamPort = Integer.parseInt(args[1]);
        int loops = Runtime.getRuntime().availableProcessors();
        String asked = args.length > 2 ? args[2] : "auto";
        boolean h2c = args.length > 3 && args[3].equals("h2c");
        Transport transport = switch (asked) {
            case "io_uring" -> Transport.IO_URING;
            case "epoll" -> Transport.EPOLL;
            default -> Transport.IO_URING.available() ? Transport.IO_URING : Transport.EPOLL;
        };
        if (!transport.available()) {
            System.err.println("BareProxy: transport " + asked + " is not available: " + transport.unavailabilityCause());
            System.exit(1);
        }
        String name = transport == Transport.IO_URING ? "io_uring" : "epoll";
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(loops)).withTransport(transport).build();
        vertx.deployVerticle(() -> new Hop(port, upstreamPort, h2c), new DeploymentOptions().setInstances(loops)).onComplete(ar -> {
            if (ar.succeeded()) {
                System.out.println("BareProxy listening on http://127.0.0.1:" + port + " -> 127.0.0.1:" + upstreamPort + " (" + name
                        + (h2c ? ", h2c to the upstream" : "") + ")");
            } else {
                System.err.println("BareProxy failed to start: " + ar.cause());
                System.exit(1);
            }
        });
    }

    static final class Hop extends VerticleBase {
        private final int port;
        private final int upstreamPort;
        private final boolean h2c;
        private HttpClientAgent client;

        Hop(int port, int upstreamPort, boolean h2c) {
            this.port = port;
            this.upstreamPort = upstreamPort;
            this.h2c = h2c;
        }

        @Override
        public Future<?> start() {
            // over HTTP/1.1 an open stream holds a connection, so the pool is as large as the streams a loop may carry
            HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true);
            if (h2c) options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setHttp2MultiplexingLimit(100);
            client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(h2c ? 256 : 10_000)
                    .setHttp2MaxSize(100).setMaxWaitQueueSize(-1));
            return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true)
                    .setAcceptBacklog(8192))
                    .requestHandler(this::forward).listen();
        }

        private void forward(HttpServerRequest in) {
            if (in.method() != HttpMethod.POST || !in.path().equals("/v1/chat/completions")) {
                in.response().setStatusCode(404).end();
                return;
            }
            RequestOptions out = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(upstreamPort)
                    .setURI("/v1/chat/completions");
            String auth = in.getHeader(HttpHeaders.AUTHORIZATION);
            if (auth != null) out.putHeader(HttpHeaders.AUTHORIZATION, auth);
            out.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
            in.body().onSuccess(body -> client.request(out).onComplete(ar -> {
                if (ar.failed()) {
                    in.response().setStatusCode(502).end();
                    return;
                }
                ar.result().send(body).onComplete(sent -> {
                    if (sent.failed()) {
                        if (!in.response().headWritten()) in.response().setStatusCode(502).end();
                        else in.response().reset();
                        return;
                    }
                    var resp = sent.result();
                    var response = in.response().setStatusCode(resp.statusCode());
                    String type = resp.getHeader(HttpHeaders.CONTENT_TYPE);
                    if (type != null) response.putHeader(HttpHeaders.CONTENT_TYPE, type);
                    String length = resp.getHeader(HttpHeaders.CONTENT_LENGTH);
                    if (length != null) response.putHeader(HttpHeaders.CONTENT_LENGTH, length);
                    else response.setChunked(true);
                    resp.handler(response::write);
                    resp.endHandler(v -> response.end());
                    resp.exceptionHandler(e -> response.reset());
                });
            }));
        }
    }
}
