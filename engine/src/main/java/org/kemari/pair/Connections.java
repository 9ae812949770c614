package org.kemari.pair;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.kemari.ft.transport.Link;
import org.kemari.ft.transport.Transport;

/**
 * Accepts primaries on a thread of its own, so the daemon can notice a returning primary while
 * it is busy (contending for the lease) and never blocks in accept() when asked to stop. Peers
 * that fail authentication are logged and dropped by the transport before any record is read.
 */
final class Connections implements AutoCloseable {
    private final BlockingQueue<Link> links = new LinkedBlockingQueue<>();
    private final Transport.Acceptor acceptor;
    private volatile boolean closed;

    Connections(Transport.Acceptor acceptor, PrintStream log) {
        this.acceptor = acceptor;
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    links.add(acceptor.accept());
                } catch (IOException e) {
                    if (closed) {
                        return;
                    }
                    log.println("kemari: receive: refused a connection: " + e.getMessage());
                }
            }
        }, "kemari-accept");
        t.setDaemon(true);
        t.start();
    }

    /** The next authenticated primary, or null once a stop was requested. */
    Link next(PhaseReporter phase) throws InterruptedException {
        while (!phase.stopRequested()) {
            Link l = links.poll(50, TimeUnit.MILLISECONDS);
            if (l != null) {
                return l;
            }
        }
        return null;
    }

    boolean pending() {
        return !links.isEmpty();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        acceptor.close();
        for (Link l; (l = links.poll()) != null; ) {
            l.close();
        }
    }
}
