package org.kemari.ft.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kemari.xen.DomainType;

class RecordCodecTest {

    static byte[] records(Object... typeAndBody) {
        RecordWriter w = new RecordWriter();
        List<ByteBuffer> bufs = new ArrayList<>();
        for (int i = 0; i < typeAndBody.length; i += 2) {
            int code = typeAndBody[i] instanceof RecordType t ? t.code() : (Integer) typeAndBody[i];
            w.append(bufs, code, ByteBuffer.wrap((byte[]) typeAndBody[i + 1]));
        }
        return concat(bufs);
    }

    static byte[] concat(List<ByteBuffer> bufs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer b : bufs) {
            byte[] a = new byte[b.remaining()];
            b.duplicate().get(a);
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    static RecordReader reader(byte[] bytes) {
        return new RecordReader(Channels.newChannel(new java.io.ByteArrayInputStream(bytes)), 0, Wire.MAX_RECORD);
    }

    @Test
    void recordsAreAlignedAndRoundTrip() throws IOException {
        byte[] s = records(RecordType.ERROR, new Control.Error(ErrorCode.PROTOCOL, "abc").encode().array(),
                RecordType.ACK, new Control.Ack(7).encode().array());
        assertThat(s.length).isEqualTo(16 + 16 + 16 + 8);
        RecordReader r = reader(s);
        Record first = r.next();
        assertThat(first.type()).isEqualTo(RecordType.ERROR);
        assertThat(Control.Error.decode(first).message()).isEqualTo("abc");
        Record second = r.next();
        assertThat(second.offset()).isEqualTo(32);
        assertThat(Control.Ack.decode(second).epoch()).isEqualTo(7);
        assertThatThrownBy(r::next).isInstanceOf(EOFException.class);
    }

    @Test
    void crcMismatchNamesTypeAndOffset() {
        byte[] s = records(RecordType.ACK, new byte[8], RecordType.ACK, new Control.Ack(3).encode().array());
        s[24 + 8] ^= 1;
        RecordReader r = reader(s);
        assertThatThrownBy(() -> {
            r.next();
            r.next();
        }).isInstanceOf(StreamException.class).hasMessage("ACK record at offset 24: CRC32C mismatch");
    }

    @Test
    void hugeLengthIsRejectedBeforeReadingTheBody() {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(RecordType.PAGE_BATCH.code()).putInt(0xfffffff0);
        assertThatThrownBy(() -> reader(b.array()).next()).isInstanceOf(StreamException.class)
                .hasMessage("PAGE_BATCH record at offset 0: length 4294967280 exceeds the 8388608-byte limit")
                .extracting(e -> ((StreamException) e).code()).isEqualTo(ErrorCode.TOO_LARGE);
    }

    @Test
    void unknownMandatoryFailsUnknownOptionalIsSkippable() throws IOException {
        assertThatThrownBy(() -> reader(records(0x00000042, new byte[3])).next())
                .hasMessage("record type 0x00000042 at offset 0: unknown mandatory record type");
        Record r = reader(records(0x80000042, new byte[3])).next();
        assertThat(r.type()).isNull();
        assertThat(r.length()).isEqualTo(3);
    }

    @Test
    void truncationAndDirtyPaddingAreErrors() {
        byte[] s = records(RecordType.ACK, new byte[5]);
        assertThatThrownBy(() -> reader(java.util.Arrays.copyOf(s, s.length - 3)).next())
                .hasMessageContaining("at offset 0: stream truncated");
        s[8 + 6] = 1;
        assertThatThrownBy(() -> reader(s).next()).hasMessage("ACK record at offset 0: padding is not zero");
    }

    @Test
    void headerRoundTripsAndChecksItself() throws StreamException {
        StreamHeader h = new StreamHeader(Role.PRIMARY, Features.ALL, DomainType.HVM, 2, 16384, 16383, Wire.MAX_RECORD);
        ByteBuffer enc = h.encode();
        assertThat(enc.remaining()).isEqualTo(StreamHeader.SIZE);
        assertThat(StreamHeader.decode(enc, Role.PRIMARY)).isEqualTo(h);
        assertThatThrownBy(() -> StreamHeader.decode(enc, Role.SECONDARY)).hasMessageContaining("header role 1, expected 2");
        byte[] bad = enc.array().clone();
        bad[24] ^= 1;
        assertThatThrownBy(() -> StreamHeader.decode(ByteBuffer.wrap(bad), Role.PRIMARY))
                .hasMessage("stream header at offset 48: header CRC32C mismatch");
        byte[] magic = enc.array().clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> StreamHeader.decode(ByteBuffer.wrap(magic), Role.PRIMARY)).hasMessageContaining("bad magic");
    }

    @Test
    void pageBatchViewChecksEveryEntry() throws IOException {
        PageBatchBuilder b = new PageBatchBuilder();
        b.add(5, PageEncoding.RAW, ByteBuffer.allocate(Wire.PAGE_SIZE));
        b.add(9, PageEncoding.ZERO, ByteBuffer.allocate(0));
        RecordWriter w = new RecordWriter();
        List<ByteBuffer> out = new ArrayList<>();
        w.append(out, RecordType.PAGE_BATCH, b.body());
        Record r = reader(concat(out)).next();
        PageBatchView v = PageBatchView.parse(r, 100, Features.ZERO_PAGE);
        assertThat(v.count()).isEqualTo(2);
        assertThat(v.pfn(1)).isEqualTo(9);
        assertThat(v.data(0).remaining()).isEqualTo(Wire.PAGE_SIZE);
        assertThatThrownBy(() -> PageBatchView.parse(r, 8, Features.ZERO_PAGE))
                .hasMessage("PAGE_BATCH record at offset 0: page 1 (pfn 9) beyond the guest's max gpfn 8");
        assertThatThrownBy(() -> PageBatchView.parse(r, 100, Features.NONE))
                .hasMessageContaining("encoding ZERO was not negotiated");
    }
}
