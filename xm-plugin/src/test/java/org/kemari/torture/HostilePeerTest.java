package org.kemari.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kemari.ft.transport.Link;
import org.kemari.ft.transport.Transport;
import org.kemari.ft.transport.TransportConfig;
import org.kemari.ft.wire.Features;
import org.kemari.ft.wire.Outbox;
import org.kemari.ft.wire.RecordType;
import org.kemari.ft.wire.RecordWriter;
import org.kemari.ft.wire.Role;
import org.kemari.ft.wire.StreamHeader;
import org.kemari.ft.wire.Wire;
import org.kemari.xen.DomainType;

/**
 * The secondary daemon against hostile connections on its replication port: raw garbage from
 * unauthenticated peers, and authenticated peers sending a real stream header followed by
 * well-framed (valid CRC) but meaningless, oversized or truncated records. Record-level
 * rejection with an unchanged replica is ft-transaction's RejectionTest; this checks the daemon
 * above it: it never dies, never fails over because of junk, stays within a small heap, and
 * still protects and fails over the real primary afterwards with nothing lost.
 */
class HostilePeerTest {
    private static final int CONNECTIONS = 60;
    private static final RecordType[] TYPES = RecordType.values();

    @Test
    @Timeout(600)
    void junkNeverKillsTheSecondaryNorMakesItFailOver() throws Exception {
        long seed = TestSeed.of("HostilePeerTest");
        Random random = new Random(seed);
        try (PairLab lab = PairLab.open("hostile")) {
            lab.start("secondary", "receive", "-Xmx128m");
            lab.awaitPhase("secondary", "receiving", KillRound.STEP);
            InetSocketAddress port = secondaryAddress(lab);
            TransportConfig psk = TransportConfig.pskFile(lab.pair().dir().resolve("demo.psk"));

            for (int i = 0; i < CONNECTIONS; i++) {
                int kind = i % 5;
                switch (kind) {
                    case 0 -> rawGarbage(port, random);
                    case 1 -> authenticated(port, psk, random, HostilePeerTest::randomBytes);
                    case 2 -> authenticated(port, psk, random, HostilePeerTest::framedJunk);
                    case 3 -> authenticated(port, psk, random, HostilePeerTest::oversizedHead);
                    default -> authenticated(port, psk, random, HostilePeerTest::truncatedRecord);
                }
                assertThat(lab.process("secondary").isAlive()).as("secondary after hostile connection %d (kind %d, seed %d)",
                        i, kind, seed).isTrue();
                assertThat(lab.phase("secondary")).as("seed %d", seed).isNotIn("failed-over");
            }

            lab.start("primary", "protect");
            lab.awaitPhase("primary", "protected", KillRound.STEP);
            lab.awaitAcks(20, KillRound.STEP);
            KillRound.Result r = KillRound.killPrimaryAndJudge(lab, "after " + CONNECTIONS + " hostile connections");

            assertThat(r.problems()).as("seed %d; %s", seed, lab.dir()).isEmpty();
        }
    }

    private interface Junk {
        void send(Outbox out, Random random) throws IOException;
    }

    private static void rawGarbage(InetSocketAddress port, Random random) throws IOException {
        try (Socket s = new Socket(port.getAddress(), port.getPort())) {
            byte[] junk = new byte[random.nextInt(4096)];
            random.nextBytes(junk);
            OutputStream out = s.getOutputStream();
            out.write(junk);
            out.flush();
        } catch (IOException e) {
            // the daemon may hang up first: that is a fine answer to garbage
        }
    }

    /**
     * A real primary header (so a replica is created), then {@code junk}, then a close without
     * END. The connection itself must succeed: the daemon is back to accepting after every one.
     */
    private static void authenticated(InetSocketAddress port, TransportConfig psk, Random random, Junk junk) throws IOException {
        Link connected = Transport.connect(port, psk);
        try (Link link = connected) {
            Outbox out = new Outbox(link.out());
            out.header(new StreamHeader(Role.PRIMARY, Features.ALL, DomainType.HVM, 1, 4096, 4095, Wire.MAX_RECORD));
            junk.send(out, random);
        } catch (IOException e) {
            // refused or hung up on mid-junk: expected
        }
    }

    private static void randomBytes(Outbox out, Random random) throws IOException {
        byte[] b = new byte[1 + random.nextInt(8192)];
        random.nextBytes(b);
        out.send(List.of(ByteBuffer.wrap(b)));
    }

    /** Records with valid framing and CRC, of any type, in any order, with random bodies. */
    private static void framedJunk(Outbox out, Random random) throws IOException {
        RecordWriter w = new RecordWriter();
        List<ByteBuffer> records = new ArrayList<>();
        for (int i = random.nextInt(12); i >= 0; i--) {
            byte[] body = new byte[random.nextInt(256)];
            random.nextBytes(body);
            w.append(records, TYPES[random.nextInt(TYPES.length)], ByteBuffer.wrap(body));
        }
        out.send(records);
    }

    /** A record head announcing a body of almost 4 GiB: must be refused before any allocation. */
    private static void oversizedHead(Outbox out, Random random) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(RecordType.PAGE_BATCH.code()).putInt(0xfffffff0 - random.nextInt(1 << 20)).flip();
        out.send(List.of(head));
    }

    /** The first part of a well-framed record, then the connection closes. */
    private static void truncatedRecord(Outbox out, Random random) throws IOException {
        RecordWriter w = new RecordWriter();
        List<ByteBuffer> records = new ArrayList<>();
        w.append(records, RecordType.EPOCH_BEGIN, ByteBuffer.wrap(new byte[64]));
        ByteBuffer all = ByteBuffer.allocate(records.stream().mapToInt(ByteBuffer::remaining).sum());
        records.forEach(all::put);
        all.flip().limit(1 + random.nextInt(all.limit() - 1));
        out.send(List.of(all));
    }

    private static InetSocketAddress secondaryAddress(PairLab lab) throws IOException {
        for (String line : java.nio.file.Files.readAllLines(lab.pair().config("secondary"))) {
            if (line.startsWith("secondary:")) {
                String hostPort = line.substring("secondary:".length()).strip();
                int colon = hostPort.lastIndexOf(':');
                return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
            }
        }
        throw new IllegalStateException("no secondary address in " + lab.pair().config("secondary"));
    }
}
