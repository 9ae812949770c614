package org.kemari.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;

/** The primary's write log, cut into records, applied by the secondary to its own image. */
class DiskReplicaTest {
    private static final int SIZE = 64 * 1024;

    @TempDir
    Path dir;
    private Path file;
    private DiskImage image;
    private DiskReplica replica;
    private Path primaryFile;
    private DiskImage primary;

    @BeforeEach
    void open() throws Exception {
        file = dir.resolve("replica.img");
        Files.write(file, new byte[SIZE]);
        image = DiskImage.open(file, SIZE);
        replica = new DiskReplica(image);
        primaryFile = dir.resolve("primary.img");
        Files.write(primaryFile, new byte[SIZE]);
        primary = DiskImage.open(primaryFile, SIZE);
    }

    @AfterEach
    void close() {
        image.close();
        primary.close();
    }

    @Test
    void overlappingWritesAreAppliedInTheOrderThePrimaryCompletedThem() throws Exception {
        DiskWriteLog log = streaming(primary);
        log.written(0, ByteBuffer.wrap(filled(8192, 1)));
        log.written(4096, ByteBuffer.wrap(filled(100, 2)));
        log.written(4000, ByteBuffer.wrap(filled(200, 3)));
        replica.committed(new EpochId(1), log.capture(new EpochId(1)));
        byte[] expected = new byte[SIZE];
        Arrays.fill(expected, 0, 8192, (byte) 1);
        Arrays.fill(expected, 4000, 4200, (byte) 3);
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
    }

    @Test
    void eachEpochTakesOnlyTheWritesSinceThePreviousCapture() throws Exception {
        DiskWriteLog log = streaming(primary);
        log.written(0, ByteBuffer.wrap(filled(16, 7)));
        List<OpaqueRecord> first = log.capture(new EpochId(1));
        List<OpaqueRecord> second = log.capture(new EpochId(2));
        assertThat(first).singleElement().satisfies(r -> assertThat(r.kind()).isEqualTo(OpaqueRecord.Kind.DISK_WRITES));
        assertThat(second).singleElement().satisfies(r -> assertThat(DiskWrites.parse(r.payload(), SIZE, "here").writes()).isEmpty());
        replica.committed(new EpochId(2), second);
        assertThat(Files.readAllBytes(file)).containsOnly(0);
    }

    @Test
    void aFaultInAnyRecordOfTheEpochLeavesTheImageUntouched() throws Exception {
        DiskWriteLog log = streaming(primary);
        log.written(0, ByteBuffer.wrap(filled(512, 5)));
        OpaqueRecord good = log.capture(new EpochId(3)).get(0);
        Path bigger = dir.resolve("bigger.img");
        Files.write(bigger, new byte[SIZE * 2]);
        OpaqueRecord otherDisk;
        try (DiskImage other = DiskImage.open(bigger, SIZE * 2L)) {
            otherDisk = streaming(other).capture(new EpochId(3)).get(0);
        }
        assertThatThrownBy(() -> replica.committed(new EpochId(3), List.of(good, otherDisk)))
                .hasMessage("epoch 3, DISK_WRITES record 2: DISK_WRITES record for a disk of " + SIZE * 2L + " bytes, but the disk replica "
                        + file + " holds " + SIZE + " bytes: not the same disk");
        assertThat(Files.readAllBytes(file)).containsOnly(0);
    }

    @Test
    void anEpochWithoutDiskWritesIsRefusedByASecondaryThatKeepsADisk() {
        assertThatThrownBy(() -> replica.committed(new EpochId(4), List.of()))
                .hasMessage("epoch 4 carries no DISK_WRITES record: the primary does not replicate the guest's disk,"
                        + " but this secondary keeps a replica of it in " + file);
    }

    @Test
    void itTakesDiskWritesAndNothingElse() {
        assertThat(Arrays.stream(OpaqueRecord.Kind.values()).filter(replica::consumes)).containsExactly(OpaqueRecord.Kind.DISK_WRITES);
    }

    private static DiskWriteLog streaming(DiskImage image) {
        DiskWriteLog log = new DiskWriteLog(image);
        log.begin();
        return log;
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void theInitialCopyInterleavedWithWritesGivesAnEqualImageAndOnlyThenAllowsFailover() throws Exception {
        byte[] before = new byte[SIZE];
        new java.util.Random(7).nextBytes(before);
        Files.write(primaryFile, before);
        DiskWriteLog log = streaming(primary);
        assertThat(log.copyNext(SIZE / 4)).isTrue();
        // a write that lands in the part already copied, and one in the part not yet copied
        writeBoth(log, 100, filled(50, 0xee));
        writeBoth(log, SIZE - 10, filled(10, 0xdd));
        replica.committed(new EpochId(1), log.capture(new EpochId(1)));
        assertThat(replica.refusal()).hasValueSatisfying(why -> assertThat(why)
                .isEqualTo("the disk replica " + file + " is incomplete: the primary's initial disk copy had not finished by epoch 1"));
        while (log.copyNext(SIZE / 4)) {
            writeBoth(log, SIZE / 2, filled(3, 0xcc));
        }
        replica.committed(new EpochId(2), log.capture(new EpochId(2)));
        assertThat(replica.refusal()).isEmpty();
        assertThat(Files.readAllBytes(file)).isEqualTo(Files.readAllBytes(primaryFile));
        replica.forget();
        assertThat(replica.refusal()).as("a new stream copies anew").isPresent();
    }

    @Test
    void withoutAStreamNothingIsLoggedOrCopied() throws Exception {
        DiskWriteLog log = new DiskWriteLog(primary);
        log.written(0, ByteBuffer.wrap(filled(8, 1)));
        assertThat(log.copyNext(4096)).isFalse();
        assertThatThrownBy(() -> log.capture(new EpochId(1))).hasMessageContaining("has no stream open");
        log.begin();
        assertThat(DiskWrites.parse(log.capture(new EpochId(1)).get(0).payload(), SIZE, "here").writes()).isEmpty();
    }

    /** What the NBD export does for a guest write: the image first, then the log. */
    private void writeBoth(DiskWriteLog log, long offset, byte[] data) throws Exception {
        primary.write(offset, ByteBuffer.wrap(data));
        log.written(offset, ByteBuffer.wrap(data));
    }
}
