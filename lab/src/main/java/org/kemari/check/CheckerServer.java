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
    /**
     * Per connection: when it was accepted, when its first and its last acknowledgement came (0:
     * none yet), and the wall-clock millisecond of its first acknowledgement (for logs of other
     * processes, which only share the wall clock).
     */
    private final List<long[]> connections = new ArrayList<>();
    private final List<String> remotes = new ArrayList<>();
    private volatile Listener listener = Listener.NONE;

    /** What a standalone checker reports as it happens (CheckerMain); called on the reading threads. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void accepted(int connection, String remote) {
        }

        default void firstAck(int connection, String remote, AckRecord ack) {
        }
    }

    public void listener(Listener l) {
        listener = l;
    }
    private final Thread acceptor;

    public CheckerServer() throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Listens on {@code bind}: the cluster lab puts the checker in a namespace of its own, reached by address. */
    public CheckerServer(InetSocketAddress bind) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(bind, 8);
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

    /** Who connected and whether each acknowledged anything, for a failure message. */
    public synchronized String connectionsSummary() {
        List<String> each = new ArrayList<>();
        for (int i = 0; i < connections.size(); i++) {
            each.add("connection " + (i + 1) + " (" + remotes.get(i) + ") "
                    + (connections.get(i)[1] == 0 ? "acknowledged nothing" : "acknowledged writes"));
        }
        return each.isEmpty() ? "no connection" : String.join(", ", each);
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

    /**
     * Two writers: an acknowledgement on a connection after a later-accepted connection had
     * already sent its first one. One copy of the guest at a time means the old sender is silent
     * once the new one speaks (a dead primary's last packets arrive before its replica can run:
     * the replica waits out the witness lease first).
     */
    public synchronized List<String> overlappingWriters() {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < connections.size(); i++) {
            for (int j = i + 1; j < connections.size(); j++) {
                long[] older = connections.get(i);
                long[] newer = connections.get(j);
                if (older[2] != 0 && newer[1] != 0 && older[2] - newer[1] > 0) {
                    found.add("two writers: connection " + (i + 1) + " (" + remotes.get(i) + ") still acknowledged writes "
                            + (older[2] - newer[1]) / 1_000_000 + " ms after connection " + (j + 1) + " (" + remotes.get(j)
                            + ") sent its first");
                }
            }
        }
        return found;
    }

    public synchronized List<String> malformed() {
        return List.copyOf(malformed);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                long[] times = {System.nanoTime(), 0, 0};
                int index;
                synchronized (this) {
                    peers.add(s);
                    connections.add(times);
                    remotes.add(String.valueOf(s.getRemoteSocketAddress()));
                    index = connections.size();
                }
                listener.accepted(index, String.valueOf(s.getRemoteSocketAddress()));
                Thread t = new Thread(() -> read(s, times, index), "kemari-checker " + s.getRemoteSocketAddress());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void read(Socket s, long[] times, int index) {
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
                    Optional<AckRecord> parsed = AckRecord.fromPacket(packet);
                    if (parsed.isEmpty()) {
                        continue;
                    }
                    AckRecord ack = parsed.get();
                    ledger.record(ack);
                    long now = System.nanoTime();
                    boolean first;
                    synchronized (this) {
                        first = times[1] == 0;
                        if (first) {
                            times[1] = now;
                        }
                        times[2] = now;
                    }
                    if (first) {
                        listener.firstAck(index, String.valueOf(s.getRemoteSocketAddress()), ack);
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
