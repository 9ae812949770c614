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
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/**
 * The pair's view of a replicated disk: one object per host, the primary's copying its image
 * while QEMU writes to it, the secondary's refusing failover until the copy has arrived whole.
 */
@Timeout(60)
class ReplicatedDiskTest {
    /** Several 32 MiB budgets would be slow; this is three chunks and a bit. */
    private static final int SIZE = 3 * DiskCopier.CHUNK + 4096;
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
    void aStreamIsReadyOnlyOnceTheSecondaryHoldsTheWholeDisk() throws Exception {
        byte[] content = new byte[SIZE];
        new Random(5).nextBytes(content);
        Path primaryFile = dir.resolve("primary.img");
        Files.write(primaryFile, content);
        Path secondaryFile = dir.resolve("secondary.img");
        Files.write(secondaryFile, new byte[SIZE]);
        ReplicatedDisk primary = keep(ReplicatedDisk.serve(primaryFile, dir.resolve("p.nbd"), "g1", line -> { }));
        ReplicatedDisk secondary = keep(ReplicatedDisk.serve(secondaryFile, dir.resolve("s.nbd"), "g1", line -> { }));

        int dom = primaryHost.createGuest(GuestSpec.memtouch("guest").withWorkingSetPages(16).withMemoryMiB(4));
        LoopbackLinks links = keep(LoopbackLinks.open());
        EpochReceiver rx = keep(new EpochReceiver(secondaryHost.open(), links.secondary(), ReceiverConfig.defaults("guest-replica")));
        secondary.forget();
        rx.addConsumer(secondary.replica());
        rx.start();
        EpochSender tx = keep(new EpochSender(primaryHost.open(), dom, links.primary(),
                SenderConfig.defaults().withMaxInterval(Duration.ofMinutes(10))));
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

    private <T extends AutoCloseable> T keep(T resource) {
        cleanup.add(resource);
        return resource;
    }
}
