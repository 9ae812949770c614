package org.kemari.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.check.AckJournal;
import org.kemari.check.AckRecord;
import org.kemari.check.BlockImage;
import org.kemari.check.CheckerServer;

/** The checker as its own process: what it records, and the verdict given from the record later. */
@Timeout(30)
class CheckerVerbTest {
    @TempDir
    Path dir;

    /** A self-describing block for write {@code seq} in block {@code block}, as the workloads make it. */
    private static ByteBuffer block(long seq, long block) {
        ByteBuffer b = ByteBuffer.allocate(BlockImage.BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 32; i < BlockImage.BLOCK_SIZE; i++) {
            b.put(i, (byte) (seq * 31 + i));
        }
        b.putLong(0, BlockImage.MAGIC).putLong(8, seq).putLong(16, block).putLong(24, BlockImage.fnv1a64(b, 32, BlockImage.BLOCK_SIZE - 32));
        return b;
    }

    private static void send(Socket s, byte[] packet) throws Exception {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeInt(Integer.reverseBytes(packet.length));
        out.write(packet);
        out.flush();
    }

    /** Records three acknowledgements (one in an Ethernet frame, one a replay) and a malformed packet. */
    private Path record(ByteBuffer... blocks) throws Exception {
        Path journal = dir.resolve("journal");
        try (AckJournal j = AckJournal.create(journal);
             CheckerServer checker = new CheckerServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), j);
             Socket guest = new Socket(checker.address().getAddress(), checker.address().getPort())) {
            for (int seq = 0; seq < blocks.length; seq++) {
                byte[] ack = new AckRecord(seq, seq, BlockImage.fnv1a64(blocks[seq], 0, BlockImage.BLOCK_SIZE), seq + 1).encode();
                byte[] frame = ByteBuffer.allocate(60).put(new byte[12]).putShort((short) AckRecord.ETHERTYPE).put(ack).array();
                send(guest, seq == 1 ? frame : ack);
            }
            send(guest, new byte[40]);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (checker.malformed().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        return journal;
    }

    private Path disk(ByteBuffer... blocks) throws Exception {
        Path image = dir.resolve("disk.img");
        byte[] all = new byte[blocks.length * BlockImage.BLOCK_SIZE];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i].get(0, all, i * BlockImage.BLOCK_SIZE, BlockImage.BLOCK_SIZE);
        }
        Files.write(image, all);
        return image;
    }

    @Test
    void aRecordedRunIsJudgedLaterAgainstTheSurvivingDisk() throws Exception {
        ByteBuffer[] written = {block(0, 0), block(1, 1), block(2, 2)};
        Path journal = record(written);
        assertThat(Files.readAllLines(journal)).hasSize(4).last().asString().startsWith("malformed ");

        Run r = Run.of(Engine.NONE, dir, "checker", "verdict", "--journal", journal.toString(), "--disk", disk(written).toString());
        assertThat(r.out()).contains("kemari checker: ").contains("packet is not an acknowledgement (bad magic)")
                .contains("VERDICT: FAIL (1 problem(s)): 3 acknowledged writes (0 repeated after a failover), 3 blocks of");
        assertThat(r.code()).isEqualTo(ExitCode.FAILURE.code());

        Files.write(journal, Files.readAllLines(journal).subList(0, 3));
        ByteBuffer[] lost = {block(0, 0), block(1, 1), block(0, 2)};
        Run lostWrite = Run.of(Engine.NONE, dir, "checker", "verdict", "--journal", journal.toString(), "--disk", disk(lost).toString());
        assertThat(lostWrite.out()).contains("block 2: holds write 0, older than acknowledged write 2").contains("VERDICT: FAIL (1 problem(s))");

        Run pass = Run.of(Engine.NONE, dir, "checker", "verdict", "--journal", journal.toString(), "--disk", disk(written).toString());
        assertThat(pass.out()).contains("VERDICT: PASS: 3 acknowledged writes (0 repeated after a failover), 3 blocks of");
        assertThat(pass.code()).isEqualTo(0);
    }

    @Test
    void listenRefusesAJournalThatExists() throws Exception {
        Path journal = Files.createFile(dir.resolve("old"));
        Run r = Run.of(Engine.NONE, dir, "checker", "listen", "--journal", journal.toString(), "127.0.0.1:8109");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.errorLine()).contains("journal " + journal + " exists");
    }
}
