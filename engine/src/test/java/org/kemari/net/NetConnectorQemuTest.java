package org.kemari.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.tap.EventTap;
import org.kemari.tap.RequestKind;
import org.kemari.tap.SyncMode;

/**
 * The connector against real QEMU's {@code -netdev stream,server=on} (Debian's qemu-system-x86,
 * the same QEMU 7.2 as the Xen device model). No guest runs: QEMU joins the connector's stream
 * netdev and a second one, the test's, on one hub, so a frame the test sends on its socket is one
 * QEMU transmits to the connector, framed by QEMU itself, and the reverse. Without QEMU the test
 * is skipped, unless CI=true or -Dkemari.require.qemu=true (./verify sets it) makes that a failure.
 */
class NetConnectorQemuTest {
    private static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");

    @TempDir
    Path dir;

    private Process qemu;
    private NetConnector connector;
    private FakePeer endpoint;
    private SocketChannel wire;

    @AfterEach
    void stop() throws Exception {
        if (connector != null) {
            connector.close();
        }
        if (wire != null) {
            wire.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        if (qemu != null) {
            qemu.destroy();
            if (!qemu.waitFor(10, TimeUnit.SECONDS)) {
                qemu.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void framesQemuTransmitsAreHeldUntilAckedAndFramesForTheGuestReachQemu() throws Exception {
        requireQemu();
        Path guestSide = dir.resolve("nic.sock");
        Path wireSide = dir.resolve("wire.sock");
        startQemu(guestSide, wireSide);
        ManualBarrier barrier = new ManualBarrier();
        EventTap tap = new EventTap(barrier, SyncMode.EVENT, Set.of(RequestKind.DeviceClass.NET), () -> true, System::nanoTime);
        endpoint = FakePeer.endpoint();
        connector = NetConnector.held(guestSide, NetConnector.ETHERNET_MAX_FRAME, endpoint.address(), tap,
                new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
        FakePeer.Connection outside = endpoint.accept();
        wire = SocketChannel.open(UnixDomainSocketAddress.of(wireSide));

        byte[] transmitted = ethernetFrame(0x11, 1518);
        send(wire, transmitted);
        barrier.sync(1);
        assertThat(outside.poll(Duration.ofMillis(150))).as("held until its epoch is acknowledged").isNull();
        barrier.sync(1).complete(1L);
        assertThat(outside.take()).isEqualTo(transmitted);

        byte[] received = ethernetFrame(0x22, 60);
        outside.send(received);
        assertThat(receive(wire)).isEqualTo(received);
    }

    @Test
    void qemuServesAConnectorThatComesBackAfterTheFirstOneClosed() throws Exception {
        requireQemu();
        Path guestSide = dir.resolve("nic.sock");
        Path wireSide = dir.resolve("wire.sock");
        startQemu(guestSide, wireSide);
        endpoint = FakePeer.endpoint();
        PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, UTF_8);
        NetConnector.afterFailover(guestSide, NetConnector.ETHERNET_MAX_FRAME, endpoint.address(), NetOutputLog.EMPTY,
                ManualBarrier.degradedTap(), log).close();
        connector = NetConnector.afterFailover(guestSide, NetConnector.ETHERNET_MAX_FRAME, endpoint.address(), NetOutputLog.EMPTY,
                ManualBarrier.degradedTap(), log);
        endpoint.accept();
        FakePeer.Connection outside = endpoint.accept();
        wire = SocketChannel.open(UnixDomainSocketAddress.of(wireSide));

        byte[] transmitted = ethernetFrame(0x33, 100);
        // QEMU accepts the second client only once it has seen the first one go, and drops what
        // the hub passes it meanwhile, as an unplugged cable would: send until one arrives
        byte[] arrived = null;
        for (int i = 0; i < 50 && arrived == null; i++) {
            send(wire, transmitted);
            arrived = outside.poll(Duration.ofMillis(100));
        }
        assertThat(arrived).as("a restarted daemon's connector is served again").isEqualTo(transmitted);
    }

    private void startQemu(Path guestSide, Path wireSide) throws Exception {
        Path output = dir.resolve("qemu.out");
        // -M none: no machine and no guest; the VM still counts as running, which QEMU's net
        // layer requires before it passes a frame on
        qemu = new ProcessBuilder(QEMU.toString(), "-M", "none", "-nodefaults", "-display", "none",
                "-netdev", "stream,id=nic,server=on,addr.type=unix,addr.path=" + guestSide,
                "-netdev", "stream,id=wire,server=on,addr.type=unix,addr.path=" + wireSide,
                "-netdev", "hubport,id=p0,hubid=0,netdev=nic",
                "-netdev", "hubport,id=p1,hubid=0,netdev=wire")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(Files.exists(guestSide) && Files.exists(wireSide))) {
            if (!qemu.isAlive() || System.nanoTime() - deadline > 0) {
                fail("QEMU did not open its stream sockets: " + Files.readString(output).strip());
            }
            Thread.sleep(20);
        }
    }

    private static void send(SocketChannel c, byte[] frame) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).flip();
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    private static byte[] receive(SocketChannel c) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4);
        fill(c, header);
        ByteBuffer frame = ByteBuffer.allocate(header.flip().getInt());
        fill(c, frame);
        return frame.array();
    }

    private static void fill(SocketChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                throw new IOException("QEMU closed the wire socket");
            }
        }
    }

    /** A broadcast frame of {@code length} bytes whose payload is {@code tag}. */
    private static byte[] ethernetFrame(int tag, int length) {
        ByteBuffer f = ByteBuffer.allocate(length);
        f.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(new byte[] {0, 0x16, 0x3e, 0, 0, 0x42}).putShort((short) 0x88b5);
        while (f.hasRemaining()) {
            f.put((byte) tag);
        }
        return f.array();
    }

    private static void requireQemu() {
        boolean present = Files.isExecutable(QEMU);
        // ./verify installs qemu-system-x86 and sets the property: there a missing QEMU is a failure
        if (!present && (Boolean.getBoolean("kemari.require.qemu") || "true".equals(System.getenv("CI")))) {
            fail("CI=true or -Dkemari.require.qemu=true but " + QEMU + " is missing: apt-get install qemu-system-x86");
        }
        assumeTrue(present, QEMU + " not installed (Debian: qemu-system-x86)");
    }
}
