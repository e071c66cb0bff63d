package dev.tokengate.http;

import dev.tokengate.accounts.Authenticator;
import dev.tokengate.accounts.Principal;
import dev.tokengate.accounts.User;
import dev.tokengate.core.ApiException;
import dev.tokengate.pipeline.Caller;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Reads the key from {@code Authorization: Bearer} or {@code x-api-key} and resolves the caller. */
public final class RequestAuth {
    private static final String PRINCIPAL = "tokengate.principal";
    private final Authenticator authenticator;
    private final User adminUser;

    public RequestAuth(Authenticator authenticator, User adminUser) {
        this.authenticator = authenticator;
        this.adminUser = adminUser;
    }

    public void handle(RoutingContext ctx) {
        authenticator.authenticate(presentedKey(ctx)).onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.put(PRINCIPAL, ar.result());
                ctx.next();
            } else {
                Responses.error(ctx, ar.cause());
            }
        });
    }

    static String presentedKey(RoutingContext ctx) {
        String auth = ctx.request().getHeader("Authorization");
        if (auth != null) {
            String a = auth.strip();
            if (a.regionMatches(true, 0, "Bearer ", 0, 7)) return a.substring(7).strip();
        }
        String x = ctx.request().getHeader("x-api-key");
        return x == null ? null : x.strip();
    }

    public static Principal principal(RoutingContext ctx) {
        return ctx.get(PRINCIPAL);
    }

    /** The user a request acts for; the admin key acts as the built-in admin user. */
    public User user(RoutingContext ctx) {
        return switch (principal(ctx)) {
            case Principal.Admin a -> adminUser;
            case Principal.Member m -> m.user();
        };
    }

    /**
     * The caller as the accounting stages see it: user, key, request id, where rate-limit headers go, and the client's
     * deadline from its timeout headers ({@link RequestDeadline}; an invalid one is a 400 naming the header).
     */
    public Caller caller(RoutingContext ctx) {
        String keyId = principal(ctx) instanceof Principal.Member m ? m.key().id() : "admin";
        HttpServerResponse response = ctx.response();
        return new Caller(user(ctx), keyId, response.headers().get(HttpApi.REQUEST_ID), new HeaderSink(response), false, null,
                RequestDeadline.of(ctx.request()));
    }

    /**
     * Puts the accounting stages' headers (rate limits, cache status) on the response. A name is added the first time
     * and set (replaced) after that: no other code writes these names, and a put (remove, then add) walks the header
     * map for every one of them, which showed in profiles.
     */
    private static final class HeaderSink implements java.util.function.BiConsumer<CharSequence, CharSequence> {
        private final HttpServerResponse response;
        private CharSequence[] written = new CharSequence[8];
        /** {@link io.netty.util.AsciiString#hashCode(CharSequence)} of each: case-insensitive, and kept by an AsciiString. */
        private int[] hashes = new int[8];
        private int count;

        HeaderSink(HttpServerResponse response) {
            this.response = response;
        }

        @Override
        public void accept(CharSequence name, CharSequence value) {
            // a client that already left has nothing to receive them
            if (response.headWritten() || response.closed()) return;
            int hash = io.netty.util.AsciiString.hashCode(name);
            if (seen(name, hash)) {
                response.putHeader(name, value);
                return;
            }
            if (count == written.length) {
                written = java.util.Arrays.copyOf(written, count * 2);
                hashes = java.util.Arrays.copyOf(hashes, count * 2);
            }
            written[count] = name;
            hashes[count++] = hash;
            response.headers().add(name, value);
        }

        private boolean seen(CharSequence name, int hash) {
            for (int i = 0; i < count; i++) {
                if (hashes[i] == hash && io.netty.util.AsciiString.contentEqualsIgnoreCase(written[i], name)) return true;
            }
            return false;
        }
    }

    /** The id of the user the request acts for, or null before (or without) authentication. */
    String userIdOrNull(RoutingContext ctx) {
        return switch (principal(ctx)) {
            case null -> null;
            case Principal.Admin a -> adminUser.id();
            case Principal.Member m -> m.user().id();
        };
    }

    /** The id (never the secret) of the key the request came with; null for the admin key or none. */
    static String keyIdOrNull(RoutingContext ctx) {
        return principal(ctx) instanceof Principal.Member m ? m.key().id() : null;
    }

    public static void requireAdmin(RoutingContext ctx) {
        if (!(principal(ctx) instanceof Principal.Admin)) {
            throw ApiException.forbidden("This route needs the admin key.");
        }
    }
}
