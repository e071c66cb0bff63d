package dev.tokengate.callbacks;

import dev.tokengate.core.ApiException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Refuses callback URLs that could reach the gateway's own network (SSRF): anything that resolves to a loopback,
 * private, link-local, carrier-grade NAT, unique-local, multicast or unspecified address, unless configured to allow it.
 * Blocking (DNS): call it off the event loop. Delivery checks again and never follows redirects.
 */
public final class UrlGuard {
    private final boolean allowPrivate;

    public UrlGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** @throws ApiException 400 naming {@code param} when the URL is not acceptable */
    public URI check(String url, String param) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(param, "'" + param + "' is not a valid URL.", "invalid_callback_url");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw ApiException.invalid(param, "'" + param + "' must be an http or https URL.", "invalid_callback_url");
        }
        if (uri.getHost() == null || url.length() > 2083) {
            throw ApiException.invalid(param, "'" + param + "' must be an absolute URL with a host, at most 2083 characters.", "invalid_callback_url");
        }
        if (uri.getRawUserInfo() != null) {
            throw ApiException.invalid(param, "'" + param + "' must not carry credentials in the URL.", "invalid_callback_url");
        }
        if (allowPrivate) return uri;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw ApiException.invalid(param, "The host of '" + param + "' does not resolve.", "invalid_callback_url");
        }
        for (InetAddress a : addresses) {
            if (internal(a)) {
                throw ApiException.invalid(param, "'" + param + "' resolves to a loopback, private or link-local address, "
                        + "which callbacks may not reach.", "callback_url_not_allowed");
            }
        }
        return uri;
    }

    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xFE) == 0xFC) return true; // fc00::/7 unique local
            boolean v4Mapped = true;
            for (int i = 0; i < 10; i++) v4Mapped &= b[i] == 0;
            if (v4Mapped && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) {
                try {
                    return internal(InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
            return false;
        }
        int first = b[0] & 0xFF;
        int second = b[1] & 0xFF;
        return first == 0 || (first == 100 && second >= 64 && second <= 127) || (first == 192 && second == 0 && (b[2] & 0xFF) == 0)
                || (first == 198 && (second == 18 || second == 19)) || first >= 240;
    }
}
