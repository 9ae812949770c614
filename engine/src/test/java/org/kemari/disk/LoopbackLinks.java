package org.kemari.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.kemari.ft.transport.Link;
import org.kemari.ft.transport.Transport;
import org.kemari.ft.transport.TransportConfig;

/** The two ends of one unauthenticated replication link on the loopback interface. */
record LoopbackLinks(Link primary, Link secondary) implements AutoCloseable {

    static LoopbackLinks open() throws Exception {
        TransportConfig insecure = TransportConfig.insecure();
        try (Transport.Acceptor acceptor = Transport.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), insecure)) {
            CompletableFuture<Link> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return acceptor.accept();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Link p = Transport.connect(acceptor.address(), insecure);
            try {
                return new LoopbackLinks(p, accepted.get(10, TimeUnit.SECONDS));
            } catch (Exception e) {
                p.close();
                throw e;
            }
        }
    }

    @Override
    public void close() throws Exception {
        try (primary; secondary) {
            // both closed, each even if the other fails
        }
    }
}
