package org.kemari.xen.sim.guest;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The outside world for the tests: a loopback TCP endpoint that reads length-prefixed frames
 * (u32 little-endian length, then the frame) from any number of connections, as the checker
 * does, and keeps them in arrival order.
 */
final class AckSink implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> peers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Ack> acks = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    AckSink() throws IOException {
        server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        start(this::accept, "ack-sink-accept");
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Waits until an acknowledgement with sequence number {@code seq} or later has arrived; returns all so far. */
    synchronized List<Ack> awaitSeq(long seq, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acks.stream().noneMatch(a -> a.seq() >= seq)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no acknowledgement of write " + seq + " within " + timeout + "; got "
                        + acks.size() + ", problems " + problems);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(acks);
    }

    synchronized List<Ack> acks() {
        return List.copyOf(acks);
    }

    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (this) {
                    peers.add(s);
                }
                start(() -> read(s), "ack-sink-read");
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void read(Socket s) {
        try (DataInputStream in = new DataInputStream(s.getInputStream())) {
            while (true) {
                int length = Integer.reverseBytes(in.readInt());
                byte[] frame = new byte[length];
                in.readFully(frame);
                Ack ack = Ack.parse(frame);
                synchronized (this) {
                    acks.add(ack);
                    notifyAll();
                }
            }
        } catch (EOFException end) {
            // the sender closed its link
        } catch (IOException | IllegalArgumentException e) {
            synchronized (this) {
                if (!server.isClosed()) {
                    problems.add(e.toString());
                }
            }
        }
    }

    private void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        synchronized (this) {
            threads.add(t);
        }
        t.start();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        List<Thread> all;
        synchronized (this) {
            for (Socket s : peers) {
                s.close();
            }
            all = List.copyOf(threads);
        }
        for (Thread t : all) {
            t.join(5000);
        }
    }
}
