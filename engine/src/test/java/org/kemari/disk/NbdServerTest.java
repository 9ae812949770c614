package org.kemari.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The NBD server against QEMU's own client (qemu-io, qemu-img) and a hand-written one for what QEMU never sends. */
@Timeout(30)
class NbdServerTest {
    private static final int SIZE = 4 * 1024 * 1024;

    @TempDir
    Path dir;
    private Path imageFile;
    private Path socket;
    private DiskImage image;
    private NbdServer server;
    private final List<long[]> written = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();

    @BeforeEach
    void serve() throws IOException {
        imageFile = dir.resolve("disk.img");
        Files.write(imageFile, new byte[SIZE]);
        socket = dir.resolve("nbd.sock");
        image = DiskImage.open(imageFile, SIZE);
        server = NbdServer.start(socket, "disk", image, (offset, data) -> written.add(new long[] {offset, data.remaining()}), log::add);
    }

    @AfterEach
    void stop() {
        server.close();
        image.close();
    }

    @Test
    void qemuIoWritesReadsBackAndFlushes() throws Exception {
        QemuTool.Result r = QemuTool.run("qemu-io", "-f", "raw", QemuTool.url(socket),
                "-c", "write -P 0xab 0 64k", "-c", "read -P 0xab 0 64k", "-c", "flush");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("wrote 65536/65536").contains("read 65536/65536").doesNotContain("failed");
        byte[] disk = Files.readAllBytes(imageFile);
        assertThat(Arrays.copyOfRange(disk, 0, 65536)).containsOnly((byte) 0xab);
        assertThat(disk[65536]).isZero();
        assertThat(written.stream().mapToLong(w -> w[1]).sum()).isEqualTo(65536);
    }

    @Test
    void qemuIoReadsWhatTheImageHolds() throws Exception {
        byte[] disk = new byte[SIZE];
        Arrays.fill(disk, 1 << 20, (1 << 20) + 8192, (byte) 0x5a);
        Files.write(imageFile, disk);
        QemuTool.Result r = QemuTool.run("qemu-io", "-f", "raw", QemuTool.url(socket),
                "-c", "read -P 0x5a 1M 8k", "-c", "read -P 0 0 1M");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("failed");
        QemuTool.Result wrong = QemuTool.run("qemu-io", "-f", "raw", QemuTool.url(socket), "-c", "read -P 0x11 1M 8k");
        assertThat(wrong.output()).as("a pattern check that can fail").contains("Pattern verification failed");
    }

    @Test
    void qemuIoFuaWriteIsAcknowledgedAndOnTheImage() throws Exception {
        QemuTool.Result r = QemuTool.run("qemu-io", "--image-opts",
                "driver=raw,file.driver=nbd,file.server.type=unix,file.server.path=" + socket,
                "-c", "write -f -P 0xcd 4096 4k", "-c", "read -P 0xcd 4096 4k");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("wrote 4096/4096").doesNotContain("failed");
        assertThat(Arrays.copyOfRange(Files.readAllBytes(imageFile), 4096, 8192)).containsOnly((byte) 0xcd);
        assertThat(written).singleElement().satisfies(w -> assertThat(w).containsExactly(4096, 4096));
    }

    @Test
    void qemuImgSeesTheSizeAndComparesEqualToTheImage() throws Exception {
        QemuTool.Result info = QemuTool.run("qemu-img", "info", "-f", "raw", QemuTool.url(socket));
        assertThat(info.exit()).as(info.output()).isZero();
        assertThat(info.output()).contains("virtual size: 4 MiB (" + SIZE + " bytes)");
        assertThat(QemuTool.run("qemu-io", "-f", "raw", QemuTool.url(socket), "-c", "write -P 0x77 3M 512").exit()).isZero();
        Path copy = dir.resolve("copy.img");
        byte[] expected = new byte[SIZE];
        Arrays.fill(expected, 3 << 20, (3 << 20) + 512, (byte) 0x77);
        Files.write(copy, expected);
        QemuTool.Result same = QemuTool.run("qemu-img", "compare", "-f", "raw", "-F", "raw", QemuTool.url(socket), copy.toString());
        assertThat(same.exit()).as(same.output()).isZero();
        expected[3 << 20] = 0;
        Files.write(copy, expected);
        QemuTool.Result differs = QemuTool.run("qemu-img", "compare", "-f", "raw", "-F", "raw", QemuTool.url(socket), copy.toString());
        assertThat(differs.exit()).as(differs.output()).isEqualTo(1);
    }

    @Test
    void goDescribesTheExportWithFlushFuaAndBlockSizes() throws Exception {
        try (NbdTestClient c = new NbdTestClient(socket)) {
            c.greet();
            c.option(Nbd.OPT_GO, NbdTestClient.info("disk", Nbd.INFO_BLOCK_SIZE));
            ByteBuffer export = c.optionReply().data();
            assertThat(export.getShort()).isEqualTo((short) Nbd.INFO_EXPORT);
            assertThat(export.getLong()).isEqualTo(SIZE);
            int flags = export.getShort();
            assertThat(flags & (Nbd.TX_HAS_FLAGS | Nbd.TX_SEND_FLUSH | Nbd.TX_SEND_FUA)).isEqualTo(0b1101);
            assertThat(flags & 2).as("not read-only").isZero();
            NbdTestClient.OptionReply sizes = c.optionReply();
            assertThat(sizes.type()).isEqualTo(Nbd.REP_INFO);
            assertThat(sizes.data().getShort()).isEqualTo((short) Nbd.INFO_BLOCK_SIZE);
            assertThat(List.of(sizes.data().getInt(), sizes.data().getInt(), sizes.data().getInt()))
                    .containsExactly(1, 4096, 32 * 1024 * 1024);
            assertThat(c.optionReply().type()).isEqualTo(Nbd.REP_ACK);
            c.request(0, Nbd.CMD_DISC, 1, 0, 0);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void unknownOptionsAreUnsupportedUnknownExportsRefusedAndInfoStaysInNegotiation() throws Exception {
        try (NbdTestClient c = new NbdTestClient(socket)) {
            c.greet();
            c.option(8, ByteBuffer.allocate(0)); // STRUCTURED_REPLY, as QEMU asks first
            NbdTestClient.OptionReply unsup = c.optionReply();
            assertThat(unsup.option()).isEqualTo(8);
            assertThat(unsup.type()).isEqualTo(Nbd.REP_ERR_UNSUP);
            c.option(Nbd.OPT_INFO, NbdTestClient.info("other"));
            assertThat(c.optionReply().type()).isEqualTo(Nbd.REP_ERR_UNKNOWN);
            c.option(Nbd.OPT_INFO, NbdTestClient.info("disk"));
            assertThat(c.optionReply().type()).isEqualTo(Nbd.REP_INFO);
            assertThat(c.optionReply().type()).isEqualTo(Nbd.REP_ACK);
            c.option(Nbd.OPT_ABORT, ByteBuffer.allocate(0));
            assertThat(c.optionReply().type()).isEqualTo(Nbd.REP_ACK);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void exportNameIsTheOldWayInWithoutReplyHeaders() throws Exception {
        try (NbdTestClient c = new NbdTestClient(socket)) {
            c.greet();
            c.option(Nbd.OPT_EXPORT_NAME, ByteBuffer.wrap("disk".getBytes()));
            ByteBuffer answer = c.read(10);
            assertThat(answer.getLong()).isEqualTo(SIZE);
            assertThat(answer.getShort() & 0b1101).isEqualTo(0b1101);
            c.request(0, Nbd.CMD_READ, 9, 0, 8);
            assertThat(c.reply(9)).isZero();
            assertThat(c.read(8).array()).containsOnly(0);
        }
    }

    @Test
    void aClientThatIsNotFixedNewstyleIsTurnedAway() throws Exception {
        try (NbdTestClient c = new NbdTestClient(socket)) {
            c.read(18);
            c.send(ByteBuffer.allocate(4).putInt(0, Nbd.FLAG_NO_ZEROES));
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(log.poll(10, TimeUnit.SECONDS)).contains(socket.toString())
                .endsWith("client flags 0x2: this server speaks fixed newstyle only and knows flags 0x3");
    }

    @Test
    void anUnknownCommandIsAnsweredEinvalAndTheConnectionGoesOn() throws Exception {
        try (NbdTestClient c = new NbdTestClient(socket)) {
            c.go();
            c.request(0, 4, 7, 0, 4096); // TRIM, not offered
            assertThat(c.reply(7)).isEqualTo(Nbd.EINVAL);
            c.request(0, Nbd.CMD_READ, 8, 0, 16);
            assertThat(c.reply(8)).isZero();
            assertThat(c.read(16).array()).containsOnly(0);
        }
    }

    @Test
    void aBadMagicEndsTheConnectionWithALineNamingSocketAndProblemAndKeepsAcknowledgedData() throws Exception {
        try (NbdTestClient c = new NbdTestClient(socket)) {
            c.go();
            c.request(Nbd.CMD_FLAG_FUA, Nbd.CMD_WRITE, 1, 512, 512, ByteBuffer.wrap(filled(512, 0x42)));
            assertThat(c.reply(1)).isZero();
            c.send(ByteBuffer.allocate(28).putInt(0, 0xdeadbeef));
            assertThat(c.closedByServer()).isTrue();
        }
        String line = log.poll(10, TimeUnit.SECONDS);
        assertThat(line).contains(socket.toString()).contains("export 'disk'").contains("malformed request")
                .contains("request magic 0xdeadbeef").doesNotContain("\n");
        assertThat(Arrays.copyOfRange(Files.readAllBytes(imageFile), 512, 1024)).containsOnly(0x42);
    }

    @Test
    void aRequestBeyondTheExportIsRefusedAndTheConnectionClosed() throws Exception {
        assertRefused(0, Nbd.CMD_READ, SIZE - 4096, 8192, "READ of 8192 bytes at offset " + (SIZE - 4096) + ": beyond the export's " + SIZE + " bytes");
    }

    @Test
    void aWriteOverThePayloadMaximumIsRefusedBeforeItsPayload() throws Exception {
        assertRefused(0, Nbd.CMD_WRITE, 0, 64 * 1024 * 1024, "longer than the 33554432-byte maximum");
    }

    @Test
    void unknownFlagsAreRefused() throws Exception {
        assertRefused(1 << 2, Nbd.CMD_READ, 0, 512, "has flags 0x4; only FUA (0x1) is known");
    }

    @Test
    void aClientHangingUpMidWriteLeavesTheImageAndTheLogUntouched() throws Exception {
        try (NbdTestClient c = new NbdTestClient(socket)) {
            c.go();
            c.request(0, Nbd.CMD_WRITE, 3, 0, 4096, ByteBuffer.wrap(filled(100, 0x99)));
        }
        String line = log.poll(10, TimeUnit.SECONDS);
        assertThat(line).contains(socket.toString()).contains("disconnected mid-request")
                .contains("after 100 of the 4096 bytes of the payload of WRITE of 4096 bytes at offset 0").contains("never acknowledged");
        assertThat(Files.readAllBytes(imageFile)).containsOnly(0);
        assertThat(written).isEmpty();
    }

    @Test
    void aSecondServerOnALiveSocketIsRefusedAFileNeverReplacedAndAStaleSocketReplaced() throws Exception {
        assertThatThrownBy(() -> NbdServer.start(socket, "disk", image, CompletedWrites.NONE, log::add))
                .hasMessageContaining("NBD socket " + socket + " is in use by another server");
        server.close();
        Path data = dir.resolve("not-a-socket");
        Files.writeString(data, "precious");
        assertThatThrownBy(() -> NbdServer.start(data, "disk", image, CompletedWrites.NONE, log::add))
                .hasMessage("NBD socket path " + data + " is not a socket; refusing to replace it");
        assertThat(Files.readString(data)).isEqualTo("precious");
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).as("a server that is gone leaves its socket file").exists();
        server = NbdServer.start(socket, "disk", image, CompletedWrites.NONE, log::add);
        assertThat(QemuTool.run("qemu-io", "-f", "raw", QemuTool.url(socket), "-c", "read 0 512").exit()).isZero();
    }

    @Test
    void anImageOfAnotherSizeIsRefusedNamingBothSizesAndThePath() throws Exception {
        assertThatThrownBy(() -> DiskImage.open(imageFile, SIZE * 2L))
                .hasMessage("disk image " + imageFile + " holds " + SIZE + " bytes, the pair's disk is " + SIZE * 2L
                        + " bytes: not the same disk");
    }

    private void assertRefused(int flags, int type, long offset, int length, String why) throws Exception {
        try (NbdTestClient c = new NbdTestClient(socket)) {
            c.go();
            c.request(flags, type, 5, offset, length);
            assertThat(c.reply(5)).isEqualTo(Nbd.EINVAL);
            assertThat(c.closedByServer()).isTrue();
        }
        String line = log.poll(10, TimeUnit.SECONDS);
        assertThat(line).startsWith("kemari: NBD server " + socket + " export 'disk' (" + imageFile + "): client 1: malformed request")
                .endsWith(why);
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
