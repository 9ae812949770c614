package org.kemari.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Serves one disk image to QEMU's NBD client over a Unix-domain socket (docs/nbd.md): the
 * guest's emulated disk, {@code -drive driver=raw,file.driver=nbd,file.server.type=unix,
 * file.server.path=<socket>}. Each connection has its own thread; writes reach the image and
 * {@link CompletedWrites} in one order.
 */
public final class NbdServer implements AutoCloseable {
    private final Path socket;
    private final ServerSocketChannel listener;
    private final NbdExport export;
    private final Map<NbdSession, Thread> sessions = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean closing;

    private NbdServer(Path socket, ServerSocketChannel listener, NbdExport export) {
        this.socket = socket;
        this.listener = listener;
        this.export = export;
        this.acceptor = new Thread(this::accept, "nbd " + socket);
        acceptor.setDaemon(true);
    }

    /**
     * Listens on {@code socket} for the export {@code name} of {@code image}. A socket file left
     * by a server that is gone is replaced; one a live server answers on is an error.
     */
    public static NbdServer start(Path socket, String name, DiskImage image, CompletedWrites writes, Consumer<String> log) {
        removeStale(socket);
        ServerSocketChannel listener;
        try {
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new UncheckedIOException("NBD server for " + image.path() + ": cannot listen on " + socket + ": " + e, e);
        }
        NbdServer server = new NbdServer(socket, listener, new NbdExport(socket, name, image, writes, log));
        server.acceptor.start();
        return server;
    }

    public Path socket() {
        return socket;
    }

    private static void removeStale(Path socket) {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            // a socket is neither file, directory nor link: anything else at this path is someone's data
            if (!Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                throw new IllegalStateException("NBD socket path " + socket + " is not a socket; refusing to replace it");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("NBD socket path " + socket + ": " + e, e);
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            throw new IllegalStateException("NBD socket " + socket + " is in use by another server");
        } catch (IOException refused) {
            try {
                Files.delete(socket);
            } catch (IOException e) {
                throw new UncheckedIOException("NBD socket " + socket + " is left from an earlier server and cannot be removed: " + e, e);
            }
        }
    }

    private void accept() {
        int number = 0;
        while (!closing) {
            SocketChannel client;
            try {
                client = listener.accept();
            } catch (AsynchronousCloseException e) {
                return;
            } catch (IOException e) {
                if (!closing) {
                    export.log("accepting a client failed, no longer serving: " + e);
                }
                return;
            }
            NbdSession session = new NbdSession(client, export, ++number);
            Thread t = new Thread(() -> {
                try {
                    session.run();
                } finally {
                    sessions.remove(session);
                }
            }, "nbd " + socket + " client " + number);
            t.setDaemon(true);
            sessions.put(session, t);
            t.start();
        }
    }

    /**
     * Stops listening and hangs up on every client; each session makes the image durable as it
     * ends, and this returns once they have, so the caller may close the image.
     */
    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // the socket file is removed below either way
        }
        try {
            acceptor.join(5000);
            for (Map.Entry<NbdSession, Thread> s : sessions.entrySet()) {
                s.getKey().close();
                s.getValue().join(5000);
            }
            Files.deleteIfExists(socket);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            export.log("cannot remove the socket file: " + e);
        }
    }
}
