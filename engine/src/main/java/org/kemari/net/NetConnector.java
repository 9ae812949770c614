package org.kemari.net;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.kemari.tap.EventTap;

/**
 * Kemari's end of an HVM guest's emulated NIC: QEMU serves the e1000 with
 * {@code -netdev stream,server=on,addr.type=unix,addr.path=SOCK} and this connector is the
 * stream's client, between that socket and {@code devices.net} (docs/net-connector.md).
 *
 * <p>On a protected primary every frame the guest transmits is output: it goes to event-tap as a
 * request of a {@link HeldFrames} ring, which asks for an epoch (event mode) and forwards it only
 * once an epoch captured after it was read is acknowledged. On a replica after failover the
 * connector first forwards the last committed epoch's {@link NetOutputLog}, then holds the
 * guest's frames the same way (its tap lets them go at once while no secondary protects it).
 * Frames from {@code devices.net} go to the guest as they come: they
 * change only the guest, whose state the next epoch carries.
 *
 * <p>In the engine module, not evtchn-tap: event-tap decides when output may go and knows no
 * transport; this is a device backend for QEMU's emulated NIC, beside the device model
 * ({@code org.kemari.dm}) it works with, and the pair owns both.
 */
public final class NetConnector implements AutoCloseable {
    /**
     * The default largest frame: a 1500-byte payload, the 14-byte Ethernet header and one 802.1Q
     * tag. QEMU's stream carries no frame check sequence.
     */
    public static final int ETHERNET_MAX_FRAME = 1518;

    /** What the connector is doing; anything but RUNNING was logged when it happened. */
    public enum State {
        RUNNING,
        /** QEMU closed its socket; held frames still go out when their epochs are acknowledged. */
        QEMU_CLOSED,
        /** Stopped on an error; frames not yet forwarded never will be. */
        FAILED,
        CLOSED
    }

    private final FrameStream qemu;
    private final FrameStream endpoint;
    private final int maxFrame;
    private final PrintStream log;
    private final EventTap tap;
    private final HeldFrames held;
    private final Object toGuestLock = new Object();
    private final Object toEndpointLock = new Object();
    private final Thread fromGuest;
    private final Thread toGuest;
    private volatile State state = State.RUNNING;
    private volatile String failure;

    private NetConnector(FrameStream qemu, FrameStream endpoint, int maxFrame, EventTap tap, PrintStream log) {
        this.qemu = qemu;
        this.endpoint = endpoint;
        this.maxFrame = maxFrame;
        this.log = log;
        this.tap = tap;
        this.held = new HeldFrames(qemu.name(), this::forward);
        this.fromGuest = thread("kemari-net-from-guest " + qemu.name(), this::pumpFromGuest);
        this.toGuest = thread("kemari-net-to-guest " + endpoint.name(), this::pumpToGuest);
    }

    /**
     * The primary's connector: frames the guest transmits are held by {@code tap} until their
     * epoch is acknowledged. Connects to {@code devices.net} first, so that no frame of the guest
     * is read before it has somewhere to go.
     *
     * @throws IOException naming the socket or endpoint that is not there
     */
    public static NetConnector held(Path qemuSocket, int maxFrame, InetSocketAddress devicesNet, EventTap tap, PrintStream log)
            throws IOException {
        NetConnector c = connect(qemuSocket, maxFrame, devicesNet, tap, log);
        tap.attach(c.held);
        c.start();
        return c;
    }

    /**
     * The replica's connector at failover: forwards the frames of the last committed epoch
     * ({@code committed}), then holds every frame its guest transmits by {@code tap}, as a
     * primary does: the failed-over guest is protected again once a secondary answers, and until
     * then its tap lets frames go at once.
     *
     * @throws IOException naming the socket or endpoint that is not there, or the failed send
     */
    public static NetConnector afterFailover(Path qemuSocket, int maxFrame, InetSocketAddress devicesNet, NetOutputLog committed,
                                             EventTap tap, PrintStream log) throws IOException {
        NetConnector c = connect(qemuSocket, maxFrame, devicesNet, tap, log);
        try {
            for (byte[] frame : committed.frames()) {
                c.endpoint.write(frame);
            }
        } catch (IOException e) {
            c.close();
            throw new IOException("net connector: " + c.endpoint.name() + ": sending the " + committed.frames().size()
                    + " frames of the last committed epoch: " + e.getMessage(), e);
        }
        log.println("net connector: forwarded the " + committed.frames().size() + " frame(s) the last committed epoch held to "
                + c.endpoint.name() + "; the replica's frames from " + c.qemu.name() + " are held as a primary's");
        tap.attach(c.held);
        c.start();
        return c;
    }

    private static NetConnector connect(Path qemuSocket, int maxFrame, InetSocketAddress devicesNet, EventTap tap, PrintStream log)
            throws IOException {
        if (maxFrame < 64 || maxFrame > FrameStream.ENDPOINT_MAX_FRAME) {
            throw new IllegalArgumentException("net connector: largest frame " + maxFrame + " for " + qemuSocket
                    + " is outside 64-" + FrameStream.ENDPOINT_MAX_FRAME + " bytes");
        }
        FrameStream endpoint = FrameStream.endpoint(devicesNet);
        try {
            return new NetConnector(FrameStream.qemu(qemuSocket, maxFrame), endpoint, maxFrame, tap, log);
        } catch (IOException e) {
            endpoint.close();
            throw e;
        }
    }

    private void start() {
        fromGuest.start();
        toGuest.start();
    }

    /**
     * The frames read from the guest and not yet forwarded; taken while the guest is paused for
     * an epoch, it is that epoch's {@link NetOutputLog}.
     */
    public NetOutputLog capture() {
        return new NetOutputLog(held.unforwarded());
    }

    public State state() {
        return state;
    }

    /** Why the connector stopped (one line), or null. */
    public String failure() {
        return failure;
    }

    private void pumpFromGuest() {
        try {
            for (byte[] frame = qemu.read(); frame != null; frame = qemu.read()) {
                held.transmitted(frame, tap);
            }
            qemuClosed();
        } catch (IOException e) {
            fail(e.getMessage());
        }
    }

    private void pumpToGuest() {
        try {
            for (byte[] frame = endpoint.read(); frame != null; frame = endpoint.read()) {
                if (frame.length > maxFrame) {
                    log.println("net connector: dropped a " + frame.length + "-byte frame from " + endpoint.name()
                            + ": over the largest frame of " + maxFrame + " bytes for " + qemu.name());
                    continue;
                }
                synchronized (toGuestLock) {
                    if (state != State.RUNNING) {
                        return;
                    }
                    qemu.write(frame);
                }
            }
            fail(endpoint.name() + " closed the connection");
        } catch (IOException e) {
            fail(e.getMessage());
        }
    }

    private void forward(byte[] frame) throws IOException {
        try {
            synchronized (toEndpointLock) {
                if (failure != null || state == State.CLOSED) {
                    // released by an ACK that came after the stop: the stop's log line counted it as never sent
                    throw new IOException(endpoint.name() + ": the connector has stopped");
                }
                endpoint.write(frame);
            }
        } catch (IOException e) {
            fail(endpoint.name() + ": cannot forward a " + frame.length + "-byte frame of the guest: " + e.getMessage());
            throw e;
        }
    }

    private synchronized void qemuClosed() {
        if (state != State.RUNNING) {
            return;
        }
        log.println("net connector: " + qemu.name() + " closed (EOF: QEMU stopped or was destroyed); " + heldCount()
                + " frame(s) of the guest still held go out only when their epochs are acknowledged");
        state = State.QEMU_CLOSED;
    }

    private void fail(String why) {
        synchronized (this) {
            if (failure != null || state == State.CLOSED) {
                return;
            }
            failure = why;
            // logged before the state changes, so whoever sees FAILED finds the line written
            log.println("net connector: " + why + "; stopped, " + heldCount() + " frame(s) of the guest not forwarded will never be");
            state = State.FAILED;
        }
        closeStreams();
    }

    private int heldCount() {
        return held.unforwarded().size();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        closeStreams();
        // the reader ends on the closed stream first, so it never offers the tap a detached ring
        join(fromGuest);
        join(toGuest);
        held.close();
        tap.detach(held);
        int left = heldCount();
        if (left > 0) {
            log.println("net connector: closed " + qemu.name() + " with " + left
                    + " frame(s) of the guest never forwarded: their epochs were not acknowledged");
        }
    }

    private void closeStreams() {
        for (FrameStream s : new FrameStream[] {qemu, endpoint}) {
            try {
                s.close();
            } catch (IOException e) {
                log.println("net connector: closing " + s.name() + ": " + e.getMessage());
            }
        }
    }

    private static void join(Thread t) {
        if (t == Thread.currentThread() || t.getState() == Thread.State.NEW) {
            return;
        }
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
