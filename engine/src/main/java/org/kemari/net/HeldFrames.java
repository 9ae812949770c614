package org.kemari.net;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.kemari.tap.EventTap;
import org.kemari.tap.RequestKind;
import org.kemari.tap.TappedRing;

/**
 * The frames a guest transmitted, as event-tap's {@link TappedRing}: frame {@code i} (counted
 * from the connection, a free-running 32-bit index as on a Xen ring) is request {@code i}, every
 * one an output. So the tap holds them exactly as it holds a PV netfront's requests: until an
 * epoch captured after it saw them is acknowledged, behind the witness lease, in order.
 *
 * <p>Forwarding runs on one thread of its own, as {@code TapGate}'s release does: the ACK thread
 * never waits on the network, and one thread keeps the frames in order.
 */
final class HeldFrames implements TappedRing {
    private final String name;
    private final Forward forward;
    private final ArrayDeque<byte[]> unforwarded = new ArrayDeque<>();
    private final ExecutorService forwarder;
    private int produced;
    private int forwarded;

    /** Where released frames go; a failure stops forwarding for good. */
    interface Forward {
        void frame(byte[] frame) throws IOException;
    }

    HeldFrames(String name, Forward forward) {
        this.name = name;
        this.forward = forward;
        this.forwarder = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kemari-net-release " + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues a frame read from the guest and lets {@code tap} classify it. */
    void transmitted(byte[] frame, EventTap tap) {
        synchronized (this) {
            unforwarded.addLast(frame);
            produced++;
        }
        tap.onNotify(this);
    }

    /**
     * Every frame read from the guest and not yet forwarded, oldest first: what an epoch captured
     * now must carry so that its replica can send them if this host dies before it does.
     */
    synchronized List<byte[]> unforwarded() {
        return List.copyOf(unforwarded);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized int requestProducer() {
        return produced;
    }

    @Override
    public RequestKind classify(int index) {
        return RequestKind.NET_OUTPUT;
    }

    @Override
    public void releaseTo(int index) {
        try {
            forwarder.execute(() -> forwardTo(index));
        } catch (RejectedExecutionException stopped) {
            // forwarding stopped because the connector failed or closed, which it has logged
        }
    }

    @Override
    public synchronized boolean rearm(int observed) {
        return produced != observed;
    }

    private void forwardTo(int index) {
        while (true) {
            byte[] frame;
            synchronized (this) {
                if (forwarded - index >= 0) {
                    return;
                }
                frame = unforwarded.peekFirst();
            }
            try {
                forward.frame(frame);
            } catch (IOException e) {
                // the connector has said why and closed; later releases find the pool shut down
                forwarder.shutdown();
                return;
            }
            synchronized (this) {
                unforwarded.removeFirst();
                forwarded++;
            }
        }
    }

    /** Stops forwarding; frames not yet forwarded stay unforwarded. */
    void close() {
        forwarder.shutdownNow();
        try {
            forwarder.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
