package org.kemari.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.ring.net.TcpPacketLink;
import org.kemari.tap.EventTap;
import org.kemari.tap.RequestKind;
import org.kemari.tap.SyncMode;

class NetConnectorTest {
    /** Long enough for a frame the connector wrongly let go to arrive on loopback. */
    private static final Duration QUIET = Duration.ofMillis(150);

    @TempDir
    Path dir;

    private final ManualBarrier barrier = new ManualBarrier();
    private final EventTap tap = new EventTap(barrier, SyncMode.EVENT, Set.of(RequestKind.DeviceClass.NET), () -> true, System::nanoTime);
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, UTF_8);
    private Path socket;
    private FakePeer qemu;
    private FakePeer endpoint;
    private NetConnector connector;
    private FakePeer.Connection guest;
    private FakePeer.Connection outside;

    @BeforeEach
    void start() throws IOException {
        socket = dir.resolve("net.sock");
        qemu = FakePeer.qemu(socket);
        endpoint = FakePeer.endpoint();
        connector = NetConnector.held(socket, NetConnector.ETHERNET_MAX_FRAME, endpoint.address(), tap, log);
        guest = qemu.accept();
        outside = endpoint.accept();
    }

    @AfterEach
    void stop() throws IOException {
        connector.close();
        qemu.close();
        endpoint.close();
    }

    @Test
    void guestFramesWaitForAnAcknowledgedEpochAndLeaveInOrder() throws Exception {
        guest.send(frame(1, 60));
        barrier.sync(1);
        guest.send(frame(2, 1518));
        barrier.sync(2);

        barrier.sync(2).complete(2L);
        assertThat(outside.poll(QUIET)).as("frame 2 is durable, but frame 1 ahead of it is not").isNull();

        barrier.sync(1).complete(1L);
        assertThat(outside.take()).isEqualTo(frame(1, 60));
        assertThat(outside.take()).isEqualTo(frame(2, 1518));
    }

    @Test
    void framesToTheGuestAreDeliveredWhileItsOutputIsHeld() throws Exception {
        guest.send(frame(1, 60));
        barrier.sync(1);

        outside.send(frame(9, 98));

        assertThat(guest.take()).isEqualTo(frame(9, 98));
        assertThat(outside.poll(QUIET)).isNull();
        assertThat(connector.state()).isEqualTo(NetConnector.State.RUNNING);
    }

    @Test
    void anEpochCapturedNowCarriesWhatIsNotYetForwarded() throws Exception {
        guest.send(frame(1, 60));
        barrier.sync(1);
        guest.send(frame(2, 70));
        barrier.sync(2);
        assertThat(connector.capture().frames()).containsExactly(frame(1, 60), frame(2, 70));

        barrier.sync(1).complete(1L);
        outside.take();
        awaitTrue(() -> connector.capture().frames().size() == 1, "frame 1 leaves the log once forwarded");
        assertThat(connector.capture().frames()).containsExactly(frame(2, 70));
    }

    @Test
    void aFrameOverTheMtuStopsTheConnectorAndWhatItHeldNeverLeaves() throws Exception {
        guest.send(frame(1, 60));
        barrier.sync(1);
        guest.send(frame(2, 1519));

        awaitTrue(() -> connector.state() == NetConnector.State.FAILED, "the connector fails");
        assertThat(connector.failure()).isEqualTo("QEMU net socket " + socket
                + ": frame length 1519 is over the limit of 1518 bytes; closing the stream");
        barrier.sync(1).complete(1L);
        assertThat(outside.poll(QUIET)).isNull();
        assertThat(log()).contains("stopped, 1 frame(s) of the guest not forwarded will never be");
    }

    @Test
    void aZeroLengthIsRefused() throws Exception {
        guest.write(ByteBuffer.allocate(4));
        awaitTrue(() -> connector.state() == NetConnector.State.FAILED, "the connector fails");
        assertThat(connector.failure()).isEqualTo("QEMU net socket " + socket + ": frame length 0 is zero; closing the stream");
    }

    @Test
    void aLengthWithTheTopBitSetIsTakenUnsignedAndRefused() throws Exception {
        guest.write(ByteBuffer.allocate(4).putInt(0, 0xffff_fffe));
        awaitTrue(() -> connector.state() == NetConnector.State.FAILED, "the connector fails");
        assertThat(connector.failure()).isEqualTo("QEMU net socket " + socket
                + ": frame length 4294967294 is over the limit of 1518 bytes; closing the stream");
    }

    @Test
    void qemuGoingAwayInsideAFrameIsAnError() throws Exception {
        guest.write(ByteBuffer.allocate(24).putInt(0, 60));
        guest.close();
        awaitTrue(() -> connector.state() == NetConnector.State.FAILED, "the connector fails");
        assertThat(connector.failure()).isEqualTo("QEMU net socket " + socket + ": EOF after 20 of the 60 bytes of a frame");
    }

    @Test
    void qemuGoingAwayInsideALengthIsAnError() throws Exception {
        guest.write(ByteBuffer.allocate(3));
        guest.close();
        awaitTrue(() -> connector.state() == NetConnector.State.FAILED, "the connector fails");
        assertThat(connector.failure()).isEqualTo("QEMU net socket " + socket + ": EOF after 3 of the 4 bytes of a frame length");
    }

    @Test
    void framesHeldWhenQemuClosesStillWaitForTheirEpoch() throws Exception {
        guest.send(frame(1, 60));
        barrier.sync(1);
        guest.close();
        awaitTrue(() -> connector.state() == NetConnector.State.QEMU_CLOSED, "the connector sees QEMU go");
        assertThat(log()).contains("net connector: QEMU net socket " + socket + " closed (EOF: QEMU stopped or was destroyed); 1 frame(s)"
                + " of the guest still held go out only when their epochs are acknowledged");
        assertThat(outside.poll(QUIET)).isNull();

        barrier.sync(1).complete(1L);
        assertThat(outside.take()).isEqualTo(frame(1, 60));
    }

    @Test
    void anOversizedFrameFromOutsideIsDroppedAndTheNextOneDelivered() throws Exception {
        outside.send(frame(7, 2000));
        outside.send(frame(8, 64));
        assertThat(guest.take()).isEqualTo(frame(8, 64));
        assertThat(log()).contains("dropped a 2000-byte frame from devices.net");
        assertThat(connector.state()).isEqualTo(NetConnector.State.RUNNING);
    }

    @Test
    void devicesNetClosingStopsTheConnector() throws Exception {
        outside.close();
        awaitTrue(() -> connector.state() == NetConnector.State.FAILED, "the connector fails");
        assertThat(connector.failure()).isEqualTo("devices.net " + endpoint.address().getHostString() + ":"
                + endpoint.address().getPort() + " closed the connection");
    }

    @Test
    void aQemuSocketThatIsNotThereIsNamed() throws IOException {
        Path missing = dir.resolve("absent.sock");
        assertThatThrownBy(() -> NetConnector.held(missing, NetConnector.ETHERNET_MAX_FRAME, endpoint.address(), tap, log))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("net connector: cannot connect to QEMU net socket " + missing + ": ")
                .hasMessageEndingWith("(is the guest's device model up, with -netdev stream,server=on,addr.path=" + missing + "?)");
    }

    @Test
    void aDevicesNetThatIsNotThereIsNamed() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        InetSocketAddress nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        assertThatThrownBy(() -> NetConnector.held(socket, NetConnector.ETHERNET_MAX_FRAME, nobody, tap, log))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("net connector: cannot connect to devices.net " + nobody.getHostString() + ":" + port + ": ");
    }

    @Test
    void aLargestFrameBelowTheSmallestEthernetFrameIsRefused() {
        assertThatThrownBy(() -> NetConnector.held(socket, 63, endpoint.address(), tap, log))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("net connector: largest frame 63 for " + socket + " is outside 64-65536 bytes");
    }

    @Test
    void atFailoverTheCommittedEpochsFramesGoOutAndTheUncommittedOnesNever() throws Exception {
        guest.send(frame(1, 60));
        barrier.sync(1);
        guest.send(frame(2, 61));
        barrier.sync(2);
        NetOutputLog committed = connector.capture();
        guest.send(frame(3, 62));
        barrier.sync(3);
        assertThat(connector.capture().frames()).as("the epoch the secondary never commits").hasSize(3);

        connector.close();
        assertThat(log()).contains("with 3 frame(s) of the guest never forwarded: their epochs were not acknowledged");

        Path replicaSocket = dir.resolve("replica.sock");
        try (FakePeer replicaQemu = FakePeer.qemu(replicaSocket);
             NetConnector replica = NetConnector.afterFailover(replicaSocket, NetConnector.ETHERNET_MAX_FRAME, endpoint.address(),
                     committed, ManualBarrier.degradedTap(), log)) {
            FakePeer.Connection replicaGuest = replicaQemu.accept();
            FakePeer.Connection fromReplica = endpoint.accept();
            assertThat(fromReplica.take()).isEqualTo(frame(1, 60));
            assertThat(fromReplica.take()).isEqualTo(frame(2, 61));

            replicaGuest.send(frame(4, 63));
            assertThat(fromReplica.take()).as("unprotected, the replica forwards at once, and frame 3 never").isEqualTo(frame(4, 63));
            assertThat(barrier.requested()).as("the replica asks the old primary's barrier for no epoch").isEqualTo(3);
            assertThat(log()).contains("net connector: forwarded the 2 frame(s) the last committed epoch held to devices.net");
        }
        assertThat(outside.poll(QUIET)).as("the primary forwarded nothing").isNull();
    }

    @Test
    void theConnectorAndTheSimulatorsPacketLinkFrameDevicesNetAlike() throws Exception {
        try (TcpPacketLink simulatorLink = new TcpPacketLink(endpoint.address())) {
            simulatorLink.send(ByteBuffer.wrap(frame(5, 80)));
            FakePeer.Connection fromSimulator = endpoint.accept();
            assertThat(fromSimulator.take()).isEqualTo(frame(5, 80));
        }
        guest.send(frame(5, 80));
        barrier.sync(1).complete(1L);
        assertThat(outside.take()).isEqualTo(frame(5, 80));
    }

    private String log() {
        return logBytes.toString(UTF_8);
    }

    /** A recognisable frame: {@code length} bytes, each {@code tag}. */
    private static byte[] frame(int tag, int length) {
        byte[] f = new byte[length];
        java.util.Arrays.fill(f, (byte) tag);
        return f;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }
}
