package org.kemari.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.ft.EpochId;

/** The live copy paces itself by epochs: it asks for one per budget's worth and waits for the cut. */
@Timeout(60)
class DiskCopierTest {
    private static final long SIZE = 2 * DiskCopier.BUDGET + 8 * DiskCopier.CHUNK;

    @TempDir
    Path dir;

    @Test
    void aDiskLargerThanTheBudgetIsCopiedOverSeveralEpochsWithBoundedMemory() throws Exception {
        Path primaryFile = sparse("primary.img");
        Path secondaryFile = sparse("secondary.img");
        try (RandomAccessFile f = new RandomAccessFile(primaryFile.toFile(), "rw")) {
            for (long at = 12345; at < SIZE; at += 7 * DiskCopier.CHUNK + 999) {
                f.seek(at);
                f.write(("block at " + at).getBytes());
            }
        }
        ExecutorService capture = Executors.newSingleThreadExecutor();
        try (DiskImage primary = DiskImage.open(primaryFile, SIZE); DiskImage secondary = DiskImage.open(secondaryFile, SIZE)) {
            DiskWriteLog log = new DiskWriteLog(primary);
            DiskReplica replica = new DiskReplica(secondary);
            AtomicLong epochs = new AtomicLong();
            AtomicLong mostPending = new AtomicLong();
            log.begin();
            Runnable requestEpoch = () -> capture.execute(() -> {
                mostPending.accumulateAndGet(log.pending(), Math::max);
                EpochId e = new EpochId(epochs.incrementAndGet());
                replica.committed(e, log.capture(e));
            });
            try (DiskCopier copier = new DiskCopier(log, requestEpoch, line -> { }, "test")) {
                copier.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                while (replica.refusal().isPresent() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            }
            assertThat(replica.refusal()).isEmpty();
            assertThat(epochs.get()).as("two budgets' worth and the rest").isEqualTo(3);
            assertThat(mostPending.get()).isLessThanOrEqualTo(DiskCopier.BUDGET);
            assertThat(Files.mismatch(primaryFile, secondaryFile)).isEqualTo(-1);
        } finally {
            capture.shutdownNow();
        }
    }

    @Test
    void aStreamThatEndsStopsTheCopyWithoutAnotherEpoch() throws Exception {
        Path primaryFile = sparse("primary.img");
        try (DiskImage primary = DiskImage.open(primaryFile, SIZE)) {
            DiskWriteLog log = new DiskWriteLog(primary);
            AtomicLong requests = new AtomicLong();
            log.begin();
            try (DiskCopier copier = new DiskCopier(log, requests::incrementAndGet, line -> { }, "test")) {
                copier.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (requests.get() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                log.end();
            }
            assertThat(requests.get()).as("the copy waits for a cut that never comes").isEqualTo(1);
            assertThat(log.copied()).isEqualTo(DiskCopier.BUDGET);
            log.written(0, ByteBuffer.allocate(4));
            assertThat(log.pending()).as("nothing is logged between streams").isEqualTo(DiskCopier.BUDGET);
        }
    }

    private Path sparse(String name) throws Exception {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(SIZE);
        }
        return p;
    }
}
