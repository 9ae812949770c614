package org.kemari.check;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outside world the protected guest talks to: accepts the network backends' connections
 * (first the primary's, after a failover the replica's) and records every acknowledgement. The
 * framing is the one kemari's TCP packet link uses: a u32 little-endian length, then the packet.
 */
public final class CheckerServer implements AutoCloseable {
    private static final int MAX_PACKET = 65536;

    private final ServerSocket server;
    private final OutputLedger ledger = new OutputLedger();
    private final List<String> malformed = new ArrayList<>();
    private final List<Socket> peers = new ArrayList<>();
    private final AtomicLong lastAckNanos = new AtomicLong();
    private final Thread acceptor;

    public CheckerServer() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "kemari-checker");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    public OutputLedger ledger() {
        return ledger;
    }

    /** System.nanoTime() of the newest acknowledgement received, 0 before the first. */
    public long lastAckNanos() {
        return lastAckNanos.get();
    }

    public synchronized List<String> malformed() {
        return List.copyOf(malformed);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (this) {
                    peers.add(s);
                }
                Thread t = new Thread(() -> read(s), "kemari-checker " + s.getRemoteSocketAddress());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void read(Socket s) {
        try (InputStream raw = s.getInputStream(); DataInputStream in = new DataInputStream(raw)) {
            while (true) {
                int len = Integer.reverseBytes(in.readInt());
                if (len < 0 || len > MAX_PACKET) {
                    complain(s + ": frame length " + Integer.toUnsignedString(len) + " out of range");
                    return;
                }
                byte[] packet = new byte[len];
                in.readFully(packet);
                try {
                    ledger.record(AckRecord.parse(packet));
                    lastAckNanos.set(System.nanoTime());
                } catch (IllegalArgumentException e) {
                    complain(s.getRemoteSocketAddress() + ": " + e.getMessage());
                }
            }
        } catch (EOFException e) {
            // the sender's host died or closed: normal at failover
        } catch (IOException e) {
            if (!server.isClosed()) {
                complain(s.getRemoteSocketAddress() + ": " + e.getMessage());
            }
        }
    }

    private synchronized void complain(String what) {
        malformed.add(what);
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (this) {
            for (Socket s : peers) {
                s.close();
            }
        }
    }
}
