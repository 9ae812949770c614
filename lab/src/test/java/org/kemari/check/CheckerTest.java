package org.kemari.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckerTest {
    @TempDir
    Path dir;

    /** A block as the workload writes it, built here independently of the guest's own code. */
    static ByteBuffer block(long seq, long blockNo) {
        ByteBuffer b = ByteBuffer.allocate(BlockImage.BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(seq);
        for (int i = BlockImage.HEADER; i < BlockImage.BLOCK_SIZE; i++) {
            b.put(i, (byte) r.nextInt());
        }
        b.putLong(0, BlockImage.MAGIC).putLong(8, seq).putLong(16, blockNo)
                .putLong(24, BlockImage.fnv1a64(b, BlockImage.HEADER, BlockImage.BLOCK_SIZE - BlockImage.HEADER));
        return b;
    }

    static AckRecord ack(long seq, long blockNo) {
        return new AckRecord(seq, blockNo, BlockImage.fnv1a64(block(seq, blockNo), 0, BlockImage.BLOCK_SIZE), seq * 10);
    }

    private Path image(long... seqBlockPairs) throws Exception {
        Path img = dir.resolve("disk.img");
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.truncate(0);
            ch.write(ByteBuffer.allocate(8 * BlockImage.BLOCK_SIZE), 0);
            for (int i = 0; i < seqBlockPairs.length; i += 2) {
                ch.write(block(seqBlockPairs[i], seqBlockPairs[i + 1]), seqBlockPairs[i + 1] * BlockImage.BLOCK_SIZE);
            }
        }
        return img;
    }

    @Test
    void ackWireFormatRoundTrips() {
        AckRecord a = ack(5, 3);
        assertThat(AckRecord.parse(a.encode())).isEqualTo(a);
    }

    /** The real-Xen guest's acknowledgement as its e1000 sends it: broadcast, type 0x88b5, padded to 60 bytes. */
    private static byte[] ethernetFrame(int type, byte[] payload) {
        ByteBuffer f = ByteBuffer.allocate(Math.max(60, 14 + payload.length));
        f.put(new byte[] {-1, -1, -1, -1, -1, -1, 0, 0x16, 0x3e, 0, 0, 0x42}).putShort((short) type).put(payload);
        return f.array();
    }

    @Test
    void anAcknowledgementInAnEthernetFrameIsFoundAfterItsHeader() {
        AckRecord a = new AckRecord(7, 3, 0x1234_5678_9abc_def0L, 8);
        assertThat(AckRecord.fromPacket(ethernetFrame(AckRecord.ETHERTYPE, a.encode()))).contains(a);
        assertThat(AckRecord.fromPacket(a.encode())).contains(a);
    }

    @Test
    void otherFramesOfARealGuestAreNoAcknowledgementsAndNoErrors() {
        assertThat(AckRecord.fromPacket(ethernetFrame(0x86dd, new byte[48]))).isEmpty();
        assertThatThrownBy(() -> AckRecord.fromPacket(new byte[12])).hasMessageContaining("neither an acknowledgement");
        byte[] wrongMagic = ethernetFrame(AckRecord.ETHERTYPE, new byte[AckRecord.SIZE]);
        assertThatThrownBy(() -> AckRecord.fromPacket(wrongMagic)).hasMessageContaining("bad magic");
    }

    @Test
    void replayedOutputIsAcceptedOnlyIfIdentical() {
        OutputLedger ledger = new OutputLedger();
        ledger.record(ack(0, 0));
        ledger.record(ack(1, 1));
        ledger.record(ack(1, 1));
        assertThat(ledger.violations()).isEmpty();
        assertThat(ledger.duplicates()).isEqualTo(1);
        ledger.record(ack(1, 2));
        assertThat(ledger.violations()).singleElement().asString().startsWith("divergence: write 1");
    }

    @Test
    void aSkippedAcknowledgementIsAGap() {
        OutputLedger ledger = new OutputLedger();
        ledger.record(ack(0, 0));
        ledger.record(ack(2, 2));
        assertThat(ledger.violations()).containsExactly("gap: expected acknowledgement of write 1, got 2");
    }

    @Test
    void diskMayHoldNewerButNotOlderOrTornWrites() throws Exception {
        OutputLedger ledger = new OutputLedger();
        for (long s = 0; s < 4; s++) {
            ledger.record(ack(s, s));
        }
        ledger.record(ack(4, 0));
        // block 0: acknowledged write 4 is there; block 1: a newer, unacknowledged write 9; 2 and 3 fine
        Path ok = image(4, 0, 9, 1, 2, 2, 3, 3);
        assertThat(DiskAudit.audit(ok, ledger.lastAckPerBlock())).isEmpty();

        Path bad = image(0, 0, 1, 1, 2, 2);
        List<String> problems = DiskAudit.audit(bad, ledger.lastAckPerBlock());
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("block 0").contains("older than acknowledged write 4");
        assertThat(problems.get(1)).contains("block 3").contains("never written");
    }

    @Test
    void aTornBlockIsCaught() throws Exception {
        OutputLedger ledger = new OutputLedger();
        ledger.record(ack(0, 0));
        Path img = image(0, 0);
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 2048);
        }
        assertThat(DiskAudit.audit(img, ledger.lastAckPerBlock())).singleElement().asString().contains("torn");
    }

    private static void send(java.io.OutputStream out, AckRecord a) throws Exception {
        byte[] p = a.encode();
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(p.length).array());
        out.write(p);
        out.flush();
    }

    private static void awaitAcks(CheckerServer c, long n) throws InterruptedException {
        for (int i = 0; i < 500 && c.ledger().acknowledged() < n; i++) {
            Thread.sleep(10);
        }
        assertThat(c.ledger().acknowledged()).isGreaterThanOrEqualTo(n);
    }

    /** A failover: the old sender falls silent before the new one speaks. One writer at a time. */
    @Test
    void aSenderThatFallsSilentBeforeItsSuccessorSpeaksIsOneWriter() throws Exception {
        try (CheckerServer c = new CheckerServer();
             java.net.Socket old = new java.net.Socket(c.address().getAddress(), c.address().getPort());
             java.net.Socket replica = new java.net.Socket(c.address().getAddress(), c.address().getPort())) {
            send(old.getOutputStream(), ack(0, 0));
            awaitAcks(c, 1);
            send(replica.getOutputStream(), ack(1, 1));
            awaitAcks(c, 2);
            assertThat(c.overlappingWriters()).isEmpty();
            assertThat(c.connectionsSummary()).startsWith("connection 1 (").contains("acknowledged writes, connection 2 (")
                    .endsWith("acknowledged writes");
        }
    }

    /** Two copies of the guest: the older connection still speaks after the newer one started. */
    @Test
    void anOlderSenderStillSpeakingAfterItsSuccessorIsTwoWriters() throws Exception {
        try (CheckerServer c = new CheckerServer();
             java.net.Socket first = new java.net.Socket(c.address().getAddress(), c.address().getPort());
             java.net.Socket second = new java.net.Socket(c.address().getAddress(), c.address().getPort())) {
            send(first.getOutputStream(), ack(0, 0));
            awaitAcks(c, 1);
            send(second.getOutputStream(), ack(1, 1));
            awaitAcks(c, 2);
            Thread.sleep(5);
            send(first.getOutputStream(), ack(1, 1));
            for (int i = 0; i < 500 && c.ledger().duplicates() < 1; i++) {
                Thread.sleep(10);
            }
            assertThat(c.overlappingWriters()).singleElement().asString()
                    .startsWith("two writers: connection 1 (").contains("after connection 2 (");
        }
    }
}
