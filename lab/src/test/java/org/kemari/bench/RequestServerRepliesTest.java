package org.kemari.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kemari.tap.EventTap;
import org.kemari.tap.ReleaseBarrier;
import org.kemari.tap.RequestKind;
import org.kemari.tap.SyncMode;
import org.kemari.tap.TapGate;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestInfoPage;
import org.kemari.xen.sim.SimHost;
import org.kemari.xen.sim.guest.RequestServerBoot;
import org.kemari.xen.sim.guest.RequestServerConfig;
import org.kemari.xen.sim.guest.RequestServerLayout;
import org.kemari.xen.sim.guest.TransactionFrames;

/**
 * The request server behind event-tap, with the replication engine replaced by epochs this
 * test acknowledges by hand: requests reach the guest at once, its replies stay on the wire's
 * far side only until the epoch asked for them is acknowledged.
 */
class RequestServerRepliesTest {
    private static final RequestServerConfig SERVER = new RequestServerConfig("rr-test", 4, 4, 2, 4000, 1);
    /** Long enough for the guest (4000 steps/s) to answer many times over if nothing held the reply. */
    private static final int HELD_MILLIS = 300;

    private final SimHost host = new SimHost();
    private final Hypervisor hv = host.open();
    private final HandAckedEpochs epochs = new HandAckedEpochs();

    @AfterEach
    void shutdown() {
        hv.close();
        host.close();
    }

    @Test
    @Timeout(30)
    void aReplyLeavesOnlyAfterTheEpochThatProducedItIsAcknowledged() throws Exception {
        RequestServerBoot.Vif nic = RequestServerBoot.boot(host, SERVER);
        EventTap tap = new EventTap(epochs, SyncMode.EVENT, EnumSet.allOf(RequestKind.DeviceClass.class), () -> true,
                System::nanoTime);
        try (ServerSocket clients = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             LoopbackWire wire = new LoopbackWire((InetSocketAddress) clients.getLocalSocketAddress());
             Socket client = clients.accept();
             TapGate gate = new TapGate(tap);
             VifBackends vif = new VifBackends(hv, nic, wire, tx -> {
                 gate.attach(tx, RequestKind.DeviceClass.NET);
                 return gate;
             })) {
            client.setSoTimeout(HELD_MILLIS);
            DataInputStream in = new DataInputStream(new BufferedInputStream(client.getInputStream()));

            LengthFramed.write(client.getOutputStream(), TransactionFrames.request(7, 1));
            await("the guest answered request 1", () -> answered(nic.domid()) == 1);
            // requests are input: the second reaches the guest while the first reply is held
            LengthFramed.write(client.getOutputStream(), TransactionFrames.request(7, 2));
            await("the guest answered request 2", () -> answered(nic.domid()) == 2);
            await("event-tap holds both replies", () -> tap.stats().holding() == 2);
            assertThat(epochs.asked).as("epochs asked for by held replies").isNotEmpty();
            assertThat(readReply(in)).as("a reply before any epoch was acknowledged").isNull();

            epochs.asked.forEach(epoch -> epoch.complete(1L));
            client.setSoTimeout(10_000);
            assertThat(List.of(readReply(in), readReply(in))).containsExactly(
                    new TransactionFrames.Reply(7, 1, 1), new TransactionFrames.Reply(7, 2, 2));
            assertThat(vif.failure()).isEmpty();
            assertThat(host.crashReason(nic.domid())).isNull();
        }
    }

    private long answered(int domid) {
        return host.guest(domid).memory().getLong(GuestInfoPage.PFN, RequestServerLayout.ANSWERED);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    private static TransactionFrames.Reply readReply(DataInputStream in) throws Exception {
        int first;
        try {
            first = in.read();
        } catch (SocketTimeoutException e) {
            return null;
        }
        ByteBuffer frame = LengthFramed.readAfter(first, in);
        return TransactionFrames.Reply.of(frame);
    }

    /** The engine's side of the tap, acknowledged by the test: every request for an epoch waits for it. */
    private static final class HandAckedEpochs implements ReleaseBarrier {
        final List<CompletableFuture<Long>> asked = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Long> syncNow() {
            CompletableFuture<Long> epoch = new CompletableFuture<>();
            asked.add(epoch);
            return epoch;
        }

        @Override
        public CompletableFuture<Long> nextEpoch() {
            return syncNow();
        }
    }
}
