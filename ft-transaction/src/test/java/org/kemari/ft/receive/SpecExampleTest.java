package org.kemari.ft.receive;

import static java.nio.charset.StandardCharsets.US_ASCII;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.kemari.ft.OpaqueRecord;
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
 * from the code unnoticed. Its CRCs are also recomputed by a CRC-32C written here from the
 * definition, so a bug shared by writer and reader (both use java.util.zip.CRC32C the same way)
 * cannot make the example self-consistent but wrong.
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

    /** §4.1's table names every record type this implementation knows, by the code it uses, and no other. */
    @Test
    void theRecordTypeTableIsTheCodesOfTheImplementation() throws IOException {
        Map<String, Integer> documented = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `0x([0-9A-Fa-f]{8})` \\| `(\\w+)` \\|").matcher(Files.readString(SPEC));
        while (m.find()) {
            documented.put(m.group(2), Integer.parseUnsignedInt(m.group(1), 16));
        }
        Map<String, Integer> implemented = new TreeMap<>();
        for (RecordType t : RecordType.values()) {
            implemented.put(t.name(), t.code());
        }
        assertThat(documented).isEqualTo(implemented);
    }

    /** Every opaque record is mandatory, and §4.1 says so for each of them. */
    @Test
    void everyOpaqueRecordIsDocumentedAsMandatory() throws IOException {
        String spec = Files.readString(SPEC).replaceAll("\\s+", " ");
        Matcher m = Pattern.compile("((?:`\\w+`(?:, | and ))+`\\w+`) are mandatory").matcher(spec);
        assertThat(m.find()).as("§4.1 lists the mandatory opaque records").isTrue();
        for (OpaqueRecord.Kind k : OpaqueRecord.Kind.values()) {
            assertThat(m.group(1)).contains("`" + k.recordType().name() + "`");
            assertThat(RecordType.isOptional(k.recordType().code())).isFalse();
        }
    }

    @Test
    void theSpecExampleIsWhatTheCodeWrites() throws IOException {
        byte[] expected = exampleStream();
        assertThat(specBytes()).as("hex example of %s; the code writes:%n%s", SPEC, dump(expected)).isEqualTo(expected);
    }

    /**
     * CRC-32C bit by bit from its definition (§1: reflected polynomial 0x82F63B78, init and final
     * xor 0xFFFFFFFF): no table, nothing shared with java.util.zip.CRC32C.
     */
    static int referenceCrc32c(byte[] bytes, int from, int to) {
        int crc = 0xFFFFFFFF;
        for (int i = from; i < to; i++) {
            crc ^= bytes[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc >>> 1) ^ (0x82F63B78 & -(crc & 1));
            }
        }
        return ~crc;
    }

    @Test
    void theReferenceCrcGivesTheStandardCheckValue() {
        assertThat(referenceCrc32c("123456789".getBytes(US_ASCII), 0, 9)).isEqualTo(0xE3069283);
    }

    /**
     * Walks the example by the spec's own layout (§3 header, §4 records, §5.2 digest), not by the
     * project's reader, and checks every CRC field and the epoch digest against the reference.
     */
    @Test
    void everyCrcInTheSpecExampleIsTheReferenceCrc32c() throws IOException {
        byte[] spec = specBytes();
        ByteBuffer b = ByteBuffer.wrap(spec).order(ByteOrder.LITTLE_ENDIAN);
        List<String> wrong = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        checkCrc(b, 0, 48, "header", checked, wrong);
        ByteArrayOutputStream epochCrcs = new ByteArrayOutputStream();
        int at = 56;
        while (at < spec.length) {
            int type = b.getInt(at);
            int crcAt = at + 8 + (b.getInt(at + 4) + 7 & ~7);
            checkCrc(b, at, crcAt, String.format("record type %d at 0x%04x", type, at), checked, wrong);
            if (type == 8) {
                int digest = b.getInt(at + 8 + 12);
                int reference = referenceCrc32c(epochCrcs.toByteArray(), 0, epochCrcs.size());
                checked.add("EPOCH_COMMIT digest");
                if (digest != reference) {
                    wrong.add(String.format("EPOCH_COMMIT digest %08x, reference %08x", digest, reference));
                }
            } else if (type == 1 || epochCrcs.size() > 0) {
                epochCrcs.write(spec, crcAt, 4);
            }
            at = crcAt + 8;
        }
        assertThat(wrong).as("CRC fields of the hex example in %s", SPEC).isEmpty();
        assertThat(at).as("the records end where the example does").isEqualTo(spec.length);
        assertThat(checked).as("header, six records and the epoch digest").hasSize(8);
    }

    /** The u32 CRC at {@code to} must be the reference CRC of bytes {@code from..to}. */
    private static void checkCrc(ByteBuffer b, int from, int to, String what, List<String> checked, List<String> wrong) {
        int reference = referenceCrc32c(b.array(), from, to);
        checked.add(what);
        if (b.getInt(to) != reference) {
            wrong.add(String.format("%s: crc %08x at 0x%04x, reference %08x", what, b.getInt(to), to, reference));
        }
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
