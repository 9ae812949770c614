package org.kemari.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.kemari.xen.sim.guest.TransactionFrames;

/**
 * The clients of a request/response server, outside the FT pair: {@code n} closed loops, each
 * sending its next request only when the reply to the previous one arrived (netperf's TCP_RR,
 * and with {@code n > 1} its burst of concurrent transactions), over one loopback connection to
 * the server's vif. The latency of a transaction is from just before its request is written to
 * just after its reply is read, on this side of the wire.
 *
 * <p>One thread does it all: it reads a reply and sends that client's next request at once, so
 * no hand-off between threads is measured. Replies are checked: the right client and sequence
 * number, and the server's answer count going up by one each time (a lost or repeated reply
 * breaks it), and a reply that fails the check is a problem the bench reports.
 */
final class RequestClients implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final List<String> problems = new ArrayList<>();
    private Socket socket;
    private Thread thread;
    private long[] sentAt;
    private long[] seq;
    private long lastAnswered = -1;
    private long transactions;
    private Samples latency = new Samples();

    RequestClients() throws IOException {
    }

    /** Where the server's wire connects. */
    InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /** Accepts the wire (already connecting) and starts {@code clients} closed loops on it. */
    void start(int clients) throws IOException {
        listener.setSoTimeout(10_000);
        socket = listener.accept();
        socket.setTcpNoDelay(true);
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        OutputStream out = new BufferedOutputStream(socket.getOutputStream());
        sentAt = new long[clients];
        seq = new long[clients];
        for (int c = 0; c < clients; c++) {
            send(out, c);
        }
        thread = new Thread(() -> loop(in, out), "kemari-bench-clients");
        thread.setDaemon(true);
        thread.start();
    }

    private void send(OutputStream out, int client) throws IOException {
        sentAt[client] = System.nanoTime();
        LengthFramed.write(out, TransactionFrames.request(client, seq[client]));
    }

    private void loop(DataInputStream in, OutputStream out) {
        try {
            while (true) {
                TransactionFrames.Reply reply = TransactionFrames.Reply.of(LengthFramed.readAfter(in.read(), in));
                long now = System.nanoTime();
                int client = (int) reply.client();
                synchronized (this) {
                    if (reply.client() < 0 || reply.client() >= seq.length || reply.seq() != seq[client]) {
                        problems.add("reply " + reply + " answers no outstanding request");
                        continue;
                    }
                    if (lastAnswered >= 0 && reply.answered() != lastAnswered + 1) {
                        problems.add("reply " + reply + " follows answer " + lastAnswered + ": a reply was lost or repeated");
                    }
                    lastAnswered = reply.answered();
                    latency.add(now - sentAt[client]);
                    transactions++;
                }
                seq[client]++;
                send(out, client);
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                if (!socket.isClosed()) {
                    problems.add("clients stopped: " + e);
                }
            }
        }
    }

    /** Transactions completed so far. */
    synchronized long transactions() {
        return transactions;
    }

    /** The latencies recorded since the last call, and a fresh collection for the next window. */
    synchronized Samples takeLatency() {
        Samples s = latency;
        latency = new Samples();
        return s;
    }

    /** What went wrong with replies so far; empty if every reply was the expected one. */
    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (socket != null) {
                socket.close();
            }
        }
        listener.close();
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
