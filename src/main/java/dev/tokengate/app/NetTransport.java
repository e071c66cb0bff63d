package dev.tokengate.app;

import io.vertx.core.transport.Transport;

/**
 * Which of Netty's transports the event loops use. {@code auto} takes io_uring where the kernel allows it (one system
 * call submits a loop's reads and writes for many connections, where epoll makes one call per read and per write), else
 * epoll, else Java NIO; a transport asked for by name that this machine cannot run stops the start with its reason.
 */
final class NetTransport {
    private NetTransport() {}

    static Transport choose(String name) {
        return switch (name) {
            case "io_uring" -> required(Transport.IO_URING, name);
            case "epoll" -> required(Transport.EPOLL, name);
            case "nio" -> Transport.NIO;
            default -> firstAvailable();
        };
    }

    static String describe(Transport transport) {
        if (transport == Transport.IO_URING) return "io_uring";
        if (transport == Transport.EPOLL) return "epoll";
        return transport == Transport.NIO ? "nio" : String.valueOf(transport);
    }

    private static Transport firstAvailable() {
        if (Transport.IO_URING != null && Transport.IO_URING.available()) return Transport.IO_URING;
        if (Transport.EPOLL != null && Transport.EPOLL.available()) return Transport.EPOLL;
        return Transport.NIO;
    }

    private static Transport required(Transport transport, String name) {
        if (transport == null || !transport.available()) {
            Throwable cause = transport == null ? null : transport.unavailabilityCause();
            throw new IllegalStateException("server.transport " + name + " is not available on this machine"
                    + (cause == null ? "" : ": " + cause));
        }
        return transport;
    }
}
