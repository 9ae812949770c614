package org.kemari.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kemari.ft.wire.Wire;

/** The DISK_WRITES body, docs/ft-transaction.md §5.5. */
class DiskWritesTest {
    private static final long DISK = 1 << 20;

    @Test
    void aBodyIsLaidOutAsTheSpecSays() {
        DiskWrites.Builder b = new DiskWrites.Builder(DISK);
        b.add(0x1234, ByteBuffer.wrap(new byte[] {(byte) 0xaa, (byte) 0xbb, (byte) 0xcc}));
        b.add(7, ByteBuffer.wrap(new byte[] {1}));
        assertThat(b.finish(DiskWrites.COPIED)).singleElement().satisfies(body -> assertThat(HexFormat.of().formatHex(body)).isEqualTo(
                "0000100000000000" + "02000000" + "01000000"     // disk_size 1 MiB, count 2, flags COPIED
                        + "3412000000000000" + "03000000" + "00000000" + "aabbcc"  // offset 0x1234, length 3, data
                        + "0700000000000000" + "01000000" + "00000000" + "01"));   // offset 7, length 1, data, unpadded
    }

    @Test
    void anEpochWithoutWritesStillHasOneEmptyRecord() {
        assertThat(new DiskWrites.Builder(DISK).finish(0)).singleElement()
                .satisfies(body -> assertThat(DiskWrites.parse(body, DISK, "here")).isEqualTo(new DiskWrites.Body(false, List.of())));
    }

    @Test
    void writesLargerThanARecordAreSplitAcrossRecordsInOrder() {
        int maxBody = 1000;
        DiskWrites.Builder b = new DiskWrites.Builder(DISK, maxBody);
        byte[] big = new byte[2500];
        new Random(1).nextBytes(big);
        b.add(100, ByteBuffer.wrap(big));
        b.add(50, ByteBuffer.wrap(new byte[] {9, 9}));
        List<byte[]> bodies = b.finish(DiskWrites.COPIED);
        assertThat(bodies).hasSizeGreaterThan(2).allSatisfy(body -> assertThat(body.length).isLessThanOrEqualTo(maxBody));
        byte[] disk = new byte[4000];
        List<Long> offsets = new ArrayList<>();
        for (byte[] body : bodies) {
            DiskWrites.Body parsed = DiskWrites.parse(body, DISK, "here");
            assertThat(parsed.copied()).as("every record of the epoch carries its flags").isTrue();
            for (DiskWrites.Write w : parsed.writes()) {
                offsets.add(w.offset());
                w.data().get(disk, (int) w.offset(), w.data().remaining());
            }
        }
        assertThat(offsets).startsWith(100L).endsWith(50L);
        assertThat(offsets.subList(0, offsets.size() - 1)).isSorted();
        byte[] expected = new byte[4000];
        System.arraycopy(big, 0, expected, 100, big.length);
        expected[50] = 9;
        expected[51] = 9;
        assertThat(disk).isEqualTo(expected);
    }

    @Test
    void theRecordLimitIsTheStreamsByDefault() {
        DiskWrites.Builder b = new DiskWrites.Builder(64L << 20);
        b.add(0, ByteBuffer.allocate(20 << 20));
        List<byte[]> bodies = b.finish(0);
        assertThat(bodies).hasSize(3).allSatisfy(body -> assertThat(body.length).isLessThanOrEqualTo(Wire.MAX_RECORD));
        assertThat(bodies.get(0).length).isEqualTo(Wire.MAX_RECORD);
    }

    @Test
    void aRecordForADiskOfAnotherSizeNamesBothSizes() {
        byte[] body = new DiskWrites.Builder(DISK * 2).finish(0).get(0);
        assertThatThrownBy(() -> DiskWrites.parse(body, DISK, "the disk replica /x.img"))
                .hasMessage("DISK_WRITES record for a disk of " + DISK * 2 + " bytes, but the disk replica /x.img holds "
                        + DISK + " bytes: not the same disk");
    }

    @Test
    void faultyBodiesAreRefusedWhole() {
        assertThatThrownBy(() -> DiskWrites.parse(body(1, 0, DISK - 2, 4, 0), DISK, "here"))
                .hasMessageContaining("write 0: 4 bytes at offset " + (DISK - 2) + " reach beyond the disk's " + DISK + " bytes");
        assertThatThrownBy(() -> DiskWrites.parse(body(1, 0, 0, 4, 1), DISK, "here"))
                .hasMessageContaining("write 0: reserved field is not zero");
        assertThatThrownBy(() -> DiskWrites.parse(body(1, 6, 0, 4, 0), DISK, "here"))
                .hasMessageContaining("unknown flags 0x6");
        assertThatThrownBy(() -> DiskWrites.parse(body(2, 0, 0, 4, 0), DISK, "here"))
                .hasMessageContaining("write 1 of 2 is cut off");
        assertThatThrownBy(() -> DiskWrites.parse(body(1, 0, 0, 0, 0), DISK, "here"))
                .hasMessageContaining("write 0: length 0");
        assertThatThrownBy(() -> DiskWrites.parse(body(1, 0, 0, 5, 0), DISK, "here"))
                .hasMessageContaining("write 0: length 5 with 4 bytes left");
        assertThatThrownBy(() -> DiskWrites.parse(body(0, 0, 0, 4, 0), DISK, "here"))
                .hasMessageContaining("20 bytes after its 0 writes");
        assertThatThrownBy(() -> DiskWrites.parse(new byte[8], DISK, "here")).hasMessageContaining("shorter than its 16-byte header");
    }

    /** A header and one write entry with 4 data bytes, fields as given. */
    private static byte[] body(int count, int flags, long offset, int length, int entryReserved) {
        return ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN).putLong(DISK).putInt(count).putInt(flags)
                .putLong(offset).putInt(length).putInt(entryReserved).putInt(0x01020304).array();
    }
}
