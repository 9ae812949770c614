package org.kemari.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kemari.ft.OpaqueRecord;

/** NET_OUTPUT (docs/ft-transaction.md §5.7): the held frames of one epoch, in one or more records. */
class NetOutputLogTest {

    @Test
    void framesComeBackInOrderFromRecordsThatNeverSplitAFrame() {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            frames.add(frame(i, 600 + 10 * i));
        }
        // room for the header and two of these frames, never three: seven frames need four records
        List<OpaqueRecord> records = new NetOutputLog(frames).records(8 + 2 * (4 + 700));

        assertThat(records).hasSize(4).allSatisfy(r -> assertThat(r.kind()).isEqualTo(OpaqueRecord.Kind.NET_OUTPUT));
        assertThat(records).allSatisfy(r -> assertThat(r.payload().length).isLessThanOrEqualTo(8 + 2 * (4 + 700)));
        assertThat(NetOutputLog.of(records).frames()).containsExactlyElementsOf(frames);
    }

    @Test
    void anEpochWithNothingHeldStillCarriesOneRecord() {
        List<OpaqueRecord> records = NetOutputLog.EMPTY.records(1024);

        assertThat(records).singleElement().satisfies(r -> assertThat(r.payload()).hasSize(8).containsOnly(0));
        assertThat(NetOutputLog.of(records).frames()).isEmpty();
        assertThat(NetOutputLog.of(List.of(new OpaqueRecord(OpaqueRecord.Kind.DISK_WRITES, new byte[16])))).isNull();
    }

    @Test
    void aMalformedRecordIsRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> parse(new byte[5])).hasMessageContaining("shorter than its 8-byte header");
        assertThatThrownBy(() -> parse(body(1, 1, 4, 1, 2, 3, 4))).hasMessageContaining("reserved field is not zero");
        assertThatThrownBy(() -> parse(body(2, 0, 1, 9))).hasMessageContaining("frame 1 of 2 is cut off");
        assertThatThrownBy(() -> parse(body(1, 0, 0))).hasMessageContaining("frame 0: length 0");
        assertThatThrownBy(() -> parse(body(1, 0, 3, 1))).hasMessageContaining("frame 0: length 3 with 1 bytes left");
        assertThatThrownBy(() -> parse(body(0, 0, 7))).hasMessageContaining("4 bytes after its 0 frames");
    }

    @Test
    void aFrameNoRecordCanHoldIsRefused() {
        assertThatThrownBy(() -> new NetOutputLog(List.of(new byte[100])).records(64))
                .hasMessageContaining("a held frame of 100 bytes cannot go into a NET_OUTPUT record");
    }

    private static NetOutputLog parse(byte[] body) {
        return NetOutputLog.of(List.of(new OpaqueRecord(OpaqueRecord.Kind.NET_OUTPUT, body)));
    }

    /** Little-endian u32 count, u32 reserved, then u32 length (or a single byte when the value is under 256 and follows a length). */
    private static byte[] body(int count, int reserved, int... rest) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * rest.length).order(ByteOrder.LITTLE_ENDIAN).putInt(count).putInt(reserved);
        if (rest.length > 0) {
            b.putInt(rest[0]);
            for (int i = 1; i < rest.length; i++) {
                b.put((byte) rest[i]);
            }
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static byte[] frame(int tag, int length) {
        byte[] f = new byte[length];
        for (int i = 0; i < length; i++) {
            f[i] = (byte) (tag * 31 + i);
        }
        return f;
    }
}
