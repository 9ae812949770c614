package org.kemari.ft.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.kemari.ft.wire.Control;
import org.kemari.ft.wire.Features;
import org.kemari.ft.wire.PageBatchBuilder;
import org.kemari.ft.wire.PageEncoding;
import org.kemari.ft.wire.RecordReader;
import org.kemari.ft.wire.RecordType;
import org.kemari.ft.wire.RecordWriter;
import org.kemari.ft.wire.Role;
import org.kemari.ft.wire.StreamHeader;
import org.kemari.xen.DomainType;

/**
 * The hex example in docs/ft-transaction.md §7 is exactly what this implementation writes for
 * that stream, and the receiver's state machine accepts and commits it: the spec cannot drift
 * from the code unnoticed.
 */
class SpecExampleTest {
    private static final Path SPEC = Path.of("..", "docs", "ft-transaction.md");

    /** A PV guest, 1 vcpu, 16 pages; epoch 1 = one zero page (pfn 3), a vcpu context, a grant table; END. */
    static byte[] exampleStream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, List.of(new StreamHeader(Role.PRIMARY, Features.ZERO_PAGE, DomainType.PV, 1, 16, 15, 8388608).encode()));
        RecordWriter w = new RecordWriter();
        CRC32C digest = new CRC32C();
        List<ByteBuffer> records = new ArrayList<>();
        PageBatchBuilder batch = new PageBatchBuilder();
        batch.add(3, PageEncoding.ZERO, ByteBuffer.allocate(0));
        int[] crcs = {
            w.append(records, RecordType.EPOCH_BEGIN, new Control.EpochBegin(1, 1).encode()),
            w.append(records, RecordType.PAGE_BATCH, batch.body()),
            w.append(records, RecordType.VCPU_CONTEXT, new Control.Vcpu(0, new byte[] {1, 2, 3, 4, 5}).encode()),
            w.append(records, RecordType.GRANT_TABLE, ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 7, 0, 0, 0})),
        };
        for (int crc : crcs) {
            digest.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, crc));
        }
        w.append(records, RecordType.EPOCH_COMMIT, new Control.EpochCommit(1, 3, (int) digest.getValue()).encode());
        w.append(records, RecordType.END);
        write(out, records);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, List<ByteBuffer> bufs) {
        for (ByteBuffer b : bufs) {
            byte[] a = new byte[b.remaining()];
            b.duplicate().get(a);
            out.writeBytes(a);
        }
    }

    /** The bytes of the ```hex block of the spec: lines "offset: xx xx ...", anything after '|' ignored. */
    private static byte[] specBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean in = false;
        for (String line : Files.readAllLines(SPEC)) {
            if (line.startsWith("```hex")) {
                in = true;
            } else if (in && line.startsWith("```")) {
                break;
            } else if (in && line.contains(":")) {
                String hex = line.substring(line.indexOf(':') + 1).split("\\|")[0].trim();
                for (String b : hex.split("\\s+")) {
                    if (!b.isEmpty()) {
                        out.write(Integer.parseInt(b, 16));
                    }
                }
            }
        }
        return out.toByteArray();
    }

    static String dump(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bytes.length; i += 16) {
            sb.append(String.format("%04x:", i));
            for (int j = i; j < Math.min(bytes.length, i + 16); j++) {
                sb.append(String.format(" %02x", bytes[j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Test
    void theSpecExampleIsWhatTheCodeWrites() throws IOException {
        byte[] expected = exampleStream();
        assertThat(specBytes()).as("hex example of %s; the code writes:%n%s", SPEC, dump(expected)).isEqualTo(expected);
    }

    @Test
    void theReceiverCommitsTheSpecExample() throws IOException {
        ReadableByteChannel ch = Channels.newChannel(new ByteArrayInputStream(specBytes()));
        StreamHeader h = StreamHeader.decode(RecordReader.readHeader(ch), Role.PRIMARY);
        MemoryReplica replica = new MemoryReplica(h.maxGpfn() + 1);
        replica.fill((byte) 0x11);
        EpochAssembler a = new EpochAssembler(h, Features.accept(h.features(), Features.ALL), replica);
        RecordReader r = new RecordReader(ch, StreamHeader.SIZE, 1 << 20);
        List<EpochAssembler.Step> steps = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            EpochAssembler.Step s = a.accept(r.next());
            steps.add(s);
            if (s == EpochAssembler.Step.COMMIT) {
                replica.apply(a.staged());
                a.committed();
            }
        }
        assertThat(steps).containsExactly(EpochAssembler.Step.CONTINUE, EpochAssembler.Step.CONTINUE,
                EpochAssembler.Step.CONTINUE, EpochAssembler.Step.CONTINUE, EpochAssembler.Step.COMMIT, EpochAssembler.Step.END);
        assertThat(a.lastCommitted()).isEqualTo(1);
        assertThat(replica.page(3)).containsOnly(0);
        assertThat(replica.page(2)).containsOnly(0x11);
        assertThat(replica.vcpus[0].bytes()).containsExactly(1, 2, 3, 4, 5);
        assertThat(replica.grants).containsExactly(1, 0, 0, 0, 7, 0, 0, 0);
    }
}
