package dev.tokengate.callbacks;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers signed callbacks. Each POST carries {@code X-Tokengate-Timestamp} (unix seconds) and
 * {@code X-Tokengate-Signature: v1=HEX}, the HMAC-SHA256 of {@code timestamp + "." + body} under the user's secret.
 * Network errors, timeouts, 429 and 5xx are retried with exponential backoff and jitter while attempts and the window
 * last. Each attempt checks the URL with the {@link UrlGuard} again (the address may have changed since the callback
 * was accepted) and connects to the very address the guard approved. Redirects are not followed: a 3xx is a failed,
 * final attempt. Every attempt is reported, so its outcome can be recorded.
 */
public final class CallbackSender {
    public static final String TIMESTAMP_HEADER = "X-Tokengate-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Tokengate-Signature";

    /** What one attempt did: the status (null on a network error) or the error text; {@code last} when no retry follows. */
    public record Attempt(int number, Integer statusCode, String error, long sentAtMillis, boolean delivered, boolean last) {}

    private final Vertx vertx;
    private final HttpClientAgent client;
    private final GatewayConfig.Callbacks config;
    private final UrlGuard guard;
    private final InstantSource clock;

    public CallbackSender(Vertx vertx, GatewayConfig.Callbacks config, InstantSource clock) {
        this(vertx, config, clock, new UrlGuard(config.allowPrivateNetworks(), config.allowedPrivateAddresses(),
                java.net.InetAddress::getAllByName));
    }

    public CallbackSender(Vertx vertx, GatewayConfig.Callbacks config, InstantSource clock, UrlGuard guard) {
        this.vertx = vertx;
        this.config = config;
        this.clock = clock;
        this.guard = guard;
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(config.timeoutMs()).setKeepAlive(true));
    }

    public UrlGuard guard() {
        return guard;
    }

    /**
     * Sends {@code body} to {@code url}, retrying as configured, starting at attempt {@code firstAttempt}.
     * {@code onAttempt} hears about each attempt.
     */
    public void deliver(String url, Map<String, String> headers, byte[] body, String secret, int firstAttempt,
                        long firstSentAtMillis, Consumer<Attempt> onAttempt) {
        attempt(url, headers, body, secret, firstAttempt, firstSentAtMillis == 0 ? clock.millis() : firstSentAtMillis, onAttempt);
    }

    private void attempt(String url, Map<String, String> headers, byte[] body, String secret, int n, long startedAt,
                         Consumer<Attempt> onAttempt) {
        long sentAt = clock.millis();
        vertx.executeBlocking(() -> guard.target(url, "callback_url"), false)
                .compose(target -> post(target, headers, body, secret))
                .onComplete(ar -> {
                    Integer status = ar.succeeded() ? ar.result() : null;
                    String error = ar.succeeded() ? (status / 100 == 3 ? redirectNotFollowed(status) : null) : describe(ar.cause());
                    boolean delivered = status != null && status / 100 == 2;
                    boolean refused = ar.failed() && ar.cause() instanceof ApiException;
                    boolean retryable = !delivered && !refused && (status == null || status == 429 || status >= 500);
                    long next = backoffMillis(n);
                    boolean canRetry = retryable && n < config.maxAttempts()
                            && clock.millis() + next - startedAt <= config.windowSeconds() * 1000L;
                    onAttempt.accept(new Attempt(n, status, error, sentAt, delivered, !canRetry));
                    if (canRetry) vertx.setTimer(next, t -> attempt(url, headers, body, secret, n + 1, startedAt, onAttempt));
                });
    }

    private Future<Integer> post(UrlGuard.Target target, Map<String, String> headers, byte[] body, String secret) {
        String timestamp = Long.toString(clock.millis() / 1000);
        RequestOptions opts = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(target.uri().toString())
                .setFollowRedirects(false).setTimeout(config.timeoutMs());
        // the URL's host stays the Host header (and TLS name); the connection goes to the address the guard checked
        if (target.address() != null) opts.setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()));
        return client.request(opts).compose(req -> {
            headers.forEach(req::putHeader);
            req.putHeader("Content-Type", "application/json");
            req.putHeader("User-Agent", "Tokengate-Callback/1");
            req.putHeader(TIMESTAMP_HEADER, timestamp);
            req.putHeader(SIGNATURE_HEADER, "v1=" + sign(secret, timestamp, body));
            return req.send(Buffer.buffer(body)).compose(resp -> resp.body().map(b -> resp.statusCode()));
        });
    }

    long backoffMillis(int attempt) {
        long base = Math.min(300_000L, 1000L << Math.min(attempt - 1, 20));
        return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }

    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '.');
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String redirectNotFollowed(int status) {
        return "The callback URL answered " + status + ", a redirect; callbacks do not follow redirects.";
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
