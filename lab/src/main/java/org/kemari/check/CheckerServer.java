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
import java.util.Optional;

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
    /** Per connection: when it was accepted and when its first acknowledgement came (0: none yet). */
    private final List<long[]> connections = new ArrayList<>();
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

    /**
     * When the first acknowledgement arrived on a connection accepted after {@code since}, or 0.
     * After a failover this is the replica's first output: the dead primary's last packets may
     * still arrive after the kill, but on its old connection.
     */
    public synchronized long firstAckOnConnectionAcceptedAfter(long since) {
        long first = 0;
        for (long[] c : connections) {
            if (c[0] - since > 0 && c[1] != 0 && (first == 0 || c[1] - first < 0)) {
                first = c[1];
            }
        }
        return first;
    }

    public synchronized List<String> malformed() {
        return List.copyOf(malformed);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                long[] times = {System.nanoTime(), 0};
                synchronized (this) {
                    peers.add(s);
                    connections.add(times);
                }
                Thread t = new Thread(() -> read(s, times), "kemari-checker " + s.getRemoteSocketAddress());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void read(Socket s, long[] times) {
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
                    Optional<AckRecord> ack = AckRecord.fromPacket(packet);
                    if (ack.isEmpty()) {
                        continue;
                    }
                    ledger.record(ack.get());
                    long now = System.nanoTime();
                    synchronized (this) {
                        if (times[1] == 0) {
                            times[1] = now;
                        }
                    }
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
