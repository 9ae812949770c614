package org.kemari.torture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on the replication link, in the test's JVM, through which the primary reaches the
 * secondary. It can cut the link (traffic dropped, new connections refused: a partition as both
 * hosts see it) and delay every chunk it forwards (a slow secondary or a congested link).
 */
public final class LinkProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final List<Socket> open = new ArrayList<>();
    private final AtomicLong delayMillis = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private volatile boolean cut;

    LinkProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "kemari-link-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * Partitions the link: whatever either side sends is dropped and new connections are refused
     * until {@link #heal()}, so both hosts see silence, not an orderly close.
     */
    public void cut() {
        cut = true;
    }

    /** Ends the partition; connections that lost data to it are closed, new ones relay again. */
    public void heal() {
        closeAll();
        cut = false;
    }

    /** Holds every chunk this long before forwarding it (0: none). */
    public void delay(long millis) {
        delayMillis.set(millis);
    }

    /** Bytes relayed from the primary to the secondary so far. */
    public long forwarded() {
        return forwarded.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket from;
            try {
                from = server.accept();
            } catch (IOException e) {
                return;
            }
            if (cut) {
                closeQuietly(from);
                continue;
            }
            try {
                Socket to = new Socket();
                to.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 2000);
                synchronized (open) {
                    open.add(from);
                    open.add(to);
                }
                relay(from, to, forwarded);
                relay(to, from, new AtomicLong());
            } catch (IOException e) {
                closeQuietly(from);
            }
        }
    }

    private void relay(Socket in, Socket out, AtomicLong counter) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream is = in.getInputStream(); OutputStream os = out.getOutputStream()) {
                int n;
                while ((n = is.read(buf)) >= 0) {
                    if (cut) {
                        continue;
                    }
                    long d = delayMillis.get();
                    if (d > 0) {
                        Thread.sleep(d);
                    }
                    os.write(buf, 0, n);
                    counter.addAndGet(n);
                }
            } catch (IOException | InterruptedException e) {
                // either side gone or the link cut: close both below
            } finally {
                closeQuietly(in);
                closeQuietly(out);
            }
        }, "kemari-link-proxy-relay");
        t.setDaemon(true);
        t.start();
    }

    private void closeAll() {
        synchronized (open) {
            open.forEach(LinkProxy::closeQuietly);
            open.clear();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing a broken socket: nothing more to do
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // nothing left to release
        }
        closeAll();
    }
}
