package org.kemari.ft;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.kemari.ft.transport.Link;
import org.kemari.ft.transport.Transport;
import org.kemari.ft.transport.TransportConfig;

/** Both ends of one authenticated loopback TCP connection. */
public record LinkPair(Link primary, Link secondary) implements AutoCloseable {

    public static LinkPair open(TransportConfig config) throws Exception {
        return open(config, config);
    }

    public static LinkPair open(TransportConfig primaryConfig, TransportConfig secondaryConfig) throws Exception {
        try (Transport.Acceptor acceptor = Transport.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), secondaryConfig)) {
            CompletableFuture<Link> accepted = acceptAsync(acceptor);
            Link p = Transport.connect(acceptor.address(), primaryConfig);
            return new LinkPair(p, accepted.get(10, TimeUnit.SECONDS));
        }
    }

    /** The acceptor's next link, accepted on another thread; fails with the acceptor's exception. */
    public static CompletableFuture<Link> acceptAsync(Transport.Acceptor acceptor) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return acceptor.accept();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Override
    public void close() throws IOException {
        primary.close();
        secondary.close();
    }
}
