package org.kemari.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.ft.EpochId;
import org.kemari.ft.receive.EpochReceiver;
import org.kemari.ft.receive.ReceiverConfig;
import org.kemari.ft.send.EpochSender;
import org.kemari.ft.send.SenderConfig;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/**
 * QEMU's NBD client writes to the primary's own image while its content is copied live to the
 * secondary; the epochs carry the copy and the writes to a real receiver, which applies them to
 * the secondary's own image before it acknowledges: after each acknowledged epoch the two images
 * are equal. Through the pair's view of it too ({@link ReplicatedDisk}): one object per host, the
 * secondary's refusing failover until the copy has arrived whole.
 */
@Timeout(60)
class DiskReplicationTest {
    private static final int SIZE = 8 * 1024 * 1024;
    /** Epochs only when the test or the copy asks: "differ before the epoch" must not race a timed one. */
    private static final Duration NO_TIMED_EPOCHS = Duration.ofMinutes(10);
    /** A disk for the pair's own copy: several 32 MiB budgets would be slow; this is three chunks and a bit. */
    private static final int COPIED_SIZE = 3 * DiskCopier.CHUNK + 4096;
    private final SimHost primaryHost = new SimHost();
    private final SimHost secondaryHost = new SimHost();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        primaryHost.close();
        secondaryHost.close();
    }

    @Test
    void theDiskIsCopiedLiveAndEveryAcknowledgedEpochLeavesTheImagesEqual() throws Exception {
        Path primaryFile = image("primary.img");
        byte[] content = new byte[SIZE];
        new Random(3).nextBytes(content);
        Files.write(primaryFile, content);
        Path secondaryFile = image("secondary.img");
        DiskImage primaryImage = keep(DiskImage.open(primaryFile, SIZE));
        DiskImage secondaryImage = keep(DiskImage.open(secondaryFile, SIZE));
        DiskWriteLog log = new DiskWriteLog(primaryImage);
        Path socket = dir.resolve("nbd.sock");
        keep(NbdServer.start(socket, "disk", primaryImage, log, line -> { }));

        Hypervisor primary = primaryHost.open();
        int dom = primaryHost.createGuest(GuestSpec.memtouch("guest").withWorkingSetPages(64).withMemoryMiB(4));
        LoopbackLinks links = keep(LoopbackLinks.open());
        EpochReceiver rx = keep(new EpochReceiver(secondaryHost.open(), links.secondary(), ReceiverConfig.defaults("guest-replica")));
        DiskReplica replica = new DiskReplica(secondaryImage);
        rx.addConsumer(replica);
        rx.start();
        EpochSender tx = keep(new EpochSender(primary, dom, links.primary(), SenderConfig.defaults().withMaxInterval(NO_TIMED_EPOCHS)));
        tx.addContributor(log);
        log.begin();
        tx.start();
        DiskCopier copier = keep(new DiskCopier(log, tx::requestSync, line -> { }, "test"));
        copier.start();
        QemuTool.Result during = QemuTool.run("qemu-io", "-f", "raw", QemuTool.url(socket), "-c", "write -P 0x99 2M 3M");
        assertThat(during.exit()).as(during.output()).isZero();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (replica.refusal().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(replica.refusal()).isEmpty();
        tx.requestSync().get(20, TimeUnit.SECONDS);
        assertThat(Files.readAllBytes(secondaryFile)).as("after the copy").isEqualTo(Files.readAllBytes(primaryFile));

        String[][] rounds = {
            {"write -P 0x11 0 1M", "write -P 0x22 512k 4k", "write -P 0x33 520k 100"},
            {"write -f -P 0x44 7M 1M", "write -P 0x55 3 5"},
            {"write -P 0x66 1M 33k", "write -P 0x11 1M 1k", "flush"},
        };
        for (String[] round : rounds) {
            List<String> args = new ArrayList<>(List.of("-f", "raw", QemuTool.url(socket)));
            for (String c : round) {
                args.add("-c");
                args.add(c);
            }
            QemuTool.Result r = QemuTool.run("qemu-io", args.toArray(String[]::new));
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(Files.readAllBytes(secondaryFile)).as("before the epoch").isNotEqualTo(Files.readAllBytes(primaryFile));
            EpochId epoch = tx.requestSync().get(20, TimeUnit.SECONDS);
            assertThat(tx.lastDurable()).isGreaterThanOrEqualTo(epoch);
            assertThat(Files.readAllBytes(secondaryFile)).as("after " + epoch).isEqualTo(Files.readAllBytes(primaryFile));
        }
    }

    @Test
    void aStreamIsReadyOnlyOnceTheSecondaryHoldsTheWholeDisk() throws Exception {
        byte[] content = new byte[COPIED_SIZE];
        new Random(5).nextBytes(content);
        Path primaryFile = dir.resolve("primary.img");
        Files.write(primaryFile, content);
        Path secondaryFile = dir.resolve("secondary.img");
        Files.write(secondaryFile, new byte[COPIED_SIZE]);
        ReplicatedDisk primary = keep(ReplicatedDisk.serve(primaryFile, dir.resolve("p.nbd"), "g1", line -> { }));
        ReplicatedDisk secondary = keep(ReplicatedDisk.serve(secondaryFile, dir.resolve("s.nbd"), "g1", line -> { }));

        int dom = primaryHost.createGuest(GuestSpec.memtouch("guest").withWorkingSetPages(16).withMemoryMiB(4));
        LoopbackLinks links = keep(LoopbackLinks.open());
        EpochReceiver rx = keep(new EpochReceiver(secondaryHost.open(), links.secondary(), ReceiverConfig.defaults("guest-replica")));
        secondary.forget();
        rx.addConsumer(secondary.replica());
        rx.start();
        EpochSender tx = keep(new EpochSender(primaryHost.open(), dom, links.primary(),
                SenderConfig.defaults().withMaxInterval(NO_TIMED_EPOCHS)));
        ReplicatedDisk.Stream stream = keep(primary.stream(tx, line -> { }));
        EpochId first = tx.start();

        assertThat(secondary.refusal()).as("after %s, before the copy", first).get().asString()
                .contains(secondaryFile.toString()).contains("incomplete");
        QemuTool.Result write = QemuTool.run("qemu-io", "-f", "raw", QemuTool.url(primary.socket()), "-c", "write -P 0x5a 1M 8k");
        assertThat(write.exit()).as(write.output()).isZero();
        EpochId ready = stream.copy(() -> false);

        assertThat(ready).isGreaterThan(first);
        assertThat(tx.lastDurable()).isGreaterThanOrEqualTo(ready);
        assertThat(secondary.refusal()).isEmpty();
        assertThat(Files.readAllBytes(secondaryFile)).isEqualTo(Files.readAllBytes(primaryFile));

        QemuTool.Result later = QemuTool.run("qemu-io", "-f", "raw", QemuTool.url(primary.socket()), "-c", "write -P 0x11 0 3");
        assertThat(later.exit()).as(later.output()).isZero();
        tx.requestSync().get(20, TimeUnit.SECONDS);
        assertThat(Files.readAllBytes(secondaryFile)).as("a write after the copy").isEqualTo(Files.readAllBytes(primaryFile));

        secondary.forget();
        assertThat(secondary.refusal()).as("a new stream copies anew").isPresent();
    }

    @Test
    void aMissingImageIsNamed() {
        Path missing = dir.resolve("nowhere.img");
        assertThatThrownBy(() -> ReplicatedDisk.serve(missing, dir.resolve("x.nbd"), "g1", line -> { }))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    private Path image(String name) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, new byte[SIZE]);
        return p;
    }

    private <T extends AutoCloseable> T keep(T resource) {
        cleanup.add(resource);
        return resource;
    }
}
