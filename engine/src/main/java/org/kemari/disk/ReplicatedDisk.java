package org.kemari.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.kemari.ft.EpochConsumer;
import org.kemari.ft.EpochId;
import org.kemari.ft.send.EpochSender;
import org.kemari.ft.send.ReplicationException;

/**
 * One host's image of the guest's disk, served to the guest's QEMU over NBD for as long as the
 * daemon runs (docs/nbd.md). The same object plays both roles, because a secondary that fails
 * over becomes the primary of the reversed pair on the same image and socket: as a secondary it
 * applies each committed epoch's writes ({@link #replica()}); as a primary it logs what the
 * server completes and, per stream, copies the whole disk live before the pair counts as
 * protected ({@link #stream}).
 */
public final class ReplicatedDisk implements AutoCloseable {
    /** How often a waiting copy looks whether the stream failed or the daemon is stopping. */
    private static final long POLL_MILLIS = 100;

    private final DiskImage image;
    private final DiskWriteLog writes;
    private final DiskReplica replica;
    private final NbdServer server;

    private ReplicatedDisk(DiskImage image, DiskWriteLog writes, NbdServer server) {
        this.image = image;
        this.writes = writes;
        this.replica = new DiskReplica(image);
        this.server = server;
    }

    /**
     * Opens this host's image (its size is the disk's: the secondary checks the primary's against
     * its own in every epoch) and listens on {@code socket} for QEMU.
     */
    public static ReplicatedDisk serve(Path imageFile, Path socket, String export, Consumer<String> log) {
        long size;
        try {
            size = Files.size(imageFile);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("disk image " + imageFile + " does not exist: each host keeps its own image of the"
                    + " guest's disk (devices.disk), of the same size on both", e);
        } catch (IOException e) {
            throw new UncheckedIOException("disk image " + imageFile + ": " + e, e);
        }
        DiskImage image = DiskImage.open(imageFile, size);
        DiskWriteLog writes = new DiskWriteLog(image);
        try {
            return new ReplicatedDisk(image, writes, NbdServer.start(socket, export, image, writes, log));
        } catch (RuntimeException e) {
            image.close();
            throw e;
        }
    }

    public Path socket() {
        return server.socket();
    }

    public Path image() {
        return image.path();
    }

    public long size() {
        return image.size();
    }

    /**
     * Primary: the disk's part of one replication stream. Called before {@code sender} starts, so
     * that every epoch carries this disk's writes; the stream's initial copy follows once it has
     * started ({@link Stream#copy}).
     */
    public Stream stream(EpochSender sender, Consumer<String> warn) {
        sender.addContributor(writes);
        writes.begin();
        return new Stream(sender, warn);
    }

    /** Secondary: applies every committed epoch's writes to this image before it is acknowledged. */
    public EpochConsumer replica() {
        return replica;
    }

    /** Secondary, when a new stream starts: its image is no replica until that stream's copy arrives. */
    public void forget() {
        replica.forget();
    }

    /** Secondary: why failover cannot take this image (the copy is incomplete), or empty. */
    public Optional<String> refusal() {
        return replica.refusal();
    }

    @Override
    public void close() {
        server.close();
        image.close();
    }

    /** The disk's share of one stream: its write log open, its live copy, both ended at close. */
    public final class Stream implements AutoCloseable {
        private final EpochSender sender;
        private final DiskCopier copier;

        private Stream(EpochSender sender, Consumer<String> warn) {
            this.sender = sender;
            this.copier = new DiskCopier(writes, sender::requestSync, warn, image.path().toString());
        }

        /**
         * Copies the whole disk to the secondary while the guest runs, and returns the first
         * acknowledged epoch that carries the end of the copy: from then on the secondary's image
         * is a replica. Returns null if {@code stop} said so first.
         *
         * @throws ReplicationException if the stream failed or the copy stopped (the message says why)
         */
        public EpochId copy(BooleanSupplier stop) throws InterruptedException, ReplicationException {
            copier.start();
            while (!copier.awaitEnd(POLL_MILLIS)) {
                if (sender.failure() != null) {
                    throw sender.failure();
                }
                if (stop.getAsBoolean()) {
                    return null;
                }
            }
            if (!writes.copyComplete()) {
                throw new ReplicationException("the initial copy of the disk " + image.path() + " stopped at byte "
                        + writes.copied() + " of " + image.size());
            }
            try {
                return sender.requestSync().get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof ReplicationException r ? r
                        : new ReplicationException("the epoch ending the disk copy of " + image.path() + " failed", e.getCause());
            }
        }

        @Override
        public void close() throws InterruptedException {
            writes.end();
            copier.close();
        }
    }
}
