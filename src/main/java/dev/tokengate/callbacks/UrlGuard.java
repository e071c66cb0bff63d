package dev.tokengate.callbacks;

import dev.tokengate.core.ApiException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses callback URLs that could reach the gateway's own network (SSRF): anything that resolves to a loopback,
 * private, link-local, carrier-grade NAT, unique-local, multicast or unspecified address (also inside IPv4-mapped,
 * IPv4-compatible, NAT64 and 6to4 IPv6 addresses), unless configured to allow it: all of them
 * ({@code callbacks.allow_private_networks}) or exactly listed {@code ip:port} receivers
 * ({@code callbacks.allowed_private_addresses}). Numeric hosts other than a dotted quad ({@code 2130706433},
 * {@code 0x7f.1}, {@code 0177.0.0.1}) are refused: resolvers disagree on what they mean.
 * <p>
 * {@link #target} is what delivery uses: it returns the address it checked, and the sender connects to exactly that
 * address, so a second lookup (DNS rebinding between the check and the connect) cannot swap it. Blocking (DNS): call it
 * off the event loop.
 */
public final class UrlGuard {
    /** Name resolution: the system resolver in production; a test may play DNS by giving its own. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A URL that passed the guard, and the address to connect to (null when private networks are allowed: no pinning). */
    public record Target(URI uri, InetAddress address, int port) {}

    private static final Pattern NUMERIC_HOST = Pattern.compile("(?i)(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*\\.?");
    private static final Pattern DOTTED_QUAD = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    private final boolean allowPrivate;
    private final Set<InetSocketAddress> allowedPrivate;
    private final Resolver resolver;

    public UrlGuard(boolean allowPrivate) {
        this(allowPrivate, List.of(), InetAddress::getAllByName);
    }

    public UrlGuard(boolean allowPrivate, Collection<InetSocketAddress> allowedPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.allowedPrivate = Set.copyOf(allowedPrivate);
        this.resolver = resolver;
    }

    /** @throws ApiException 400 naming {@code param} when the URL is not acceptable */
    public URI check(String url, String param) {
        return target(url, param).uri();
    }

    /** As {@link #check}, and where to connect: every address the host resolves to passed, the first one is used. */
    public Target target(String url, String param) {
        URI uri = parse(url, param);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        if (allowPrivate) return new Target(uri, null, port);
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        else if (NUMERIC_HOST.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches()) {
            throw ApiException.invalid(param, "The host of '" + param + "' is a number that is not a dotted-quad IPv4 address.",
                    "invalid_callback_url");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw ApiException.invalid(param, "The host of '" + param + "' does not resolve.", "invalid_callback_url");
        }
        if (addresses == null || addresses.length == 0) {
            throw ApiException.invalid(param, "The host of '" + param + "' does not resolve.", "invalid_callback_url");
        }
        for (InetAddress a : addresses) {
            if (internal(a) && !allowedPrivate.contains(new InetSocketAddress(a, port))) {
                throw ApiException.invalid(param, "'" + param + "' resolves to a loopback, private or link-local address, "
                        + "which callbacks may not reach.", "callback_url_not_allowed");
            }
        }
        return new Target(uri, addresses[0], port);
    }

    private static URI parse(String url, String param) {
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
            if (zeros(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) return internalV4(b, 12); // ::ffff:0:0/96
            if (zeros(b, 0, 12)) return true; // ::/96, IPv4-compatible (deprecated; also :: and ::1)
            if ((b[0] & 0xFF) == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B
                    && zeros(b, 4, 12)) {
                return internalV4(b, 12); // 64:ff9b::/96, NAT64
            }
            if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) return internalV4(b, 2); // 2002::/16, 6to4
            return false;
        }
        int first = b[0] & 0xFF;
        int second = b[1] & 0xFF;
        return first == 0 || (first == 100 && second >= 64 && second <= 127) || (first == 192 && second == 0 && (b[2] & 0xFF) == 0)
                || (first == 198 && (second == 18 || second == 19)) || first >= 240;
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != 0) return false;
        return true;
    }

    private static boolean internalV4(byte[] b, int at) {
        try {
            return internal(InetAddress.getByAddress(new byte[]{b[at], b[at + 1], b[at + 2], b[at + 3]}));
        } catch (UnknownHostException e) {
            return true;
        }
    }
}
