package org.kemari.ring.blk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.kemari.ring.AbstractRingBackend;
import org.kemari.ring.BackRing;
import org.kemari.ring.Frontend;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.XenException;

/**
 * A blkback serving a raw disk image on shared storage (Kemari assumes a SAN both hosts see).
 * Data moves between the image and the frames the guest granted for each segment; requests are
 * served synchronously in ring order, which is what makes a barrier trivially ordered after the
 * writes before it.
 *
 * <p>Offered: read, write, write-barrier and flush-diskcache (both made durable with
 * {@code force(true)}). Not offered, answered {@link Blkif#RSP_EOPNOTSUPP}: discard and indirect
 * requests (the backend advertises neither feature-discard nor feature-max-indirect-segments, so
 * a correct frontend never sends them).
 */
public final class BlockBackend extends AbstractRingBackend<BlkifRequest, BlkifResponse> {
    private static final System.Logger LOG = System.getLogger(BlockBackend.class.getName());

    private final Path imagePath;
    private final FileChannel image;
    private final boolean readOnly;

    public BlockBackend(BackRing<BlkifRequest, BlkifResponse> ring, Frontend frontend, Path imagePath,
                        boolean readOnly) {
        super(ring, frontend);
        this.imagePath = imagePath;
        this.readOnly = readOnly;
        try {
            this.image = readOnly ? FileChannel.open(imagePath, StandardOpenOption.READ)
                    : FileChannel.open(imagePath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("block backend: cannot open disk image " + imagePath + ": " + e, e);
        }
    }

    @Override
    protected boolean isOutgoing(BlkifRequest request) {
        return request.isOutgoing();
    }

    @Override
    protected void serve(BlkifRequest request) {
        ring.respond(new BlkifResponse(request.id(), request.operation(), execute(request)));
    }

    private int execute(BlkifRequest request) {
        try {
            return switch (request.operation()) {
                case Blkif.OP_READ -> transfer(request, false);
                case Blkif.OP_WRITE -> transfer(request, true);
                case Blkif.OP_WRITE_BARRIER, Blkif.OP_FLUSH_DISKCACHE -> flush(request);
                case Blkif.OP_DISCARD, Blkif.OP_INDIRECT -> Blkif.RSP_EOPNOTSUPP;
                default -> reject(request, "unknown operation");
            };
        } catch (IOException | XenException e) {
            LOG.log(Level.WARNING, () -> "dom" + frontend.domid() + " " + imagePath + " request id "
                    + Long.toUnsignedString(request.id()) + ": " + e);
            return Blkif.RSP_ERROR;
        }
    }

    /** Barrier and flush may carry data; it is written first, then everything is made durable. */
    private int flush(BlkifRequest request) throws IOException {
        if (request.nrSegments() > 0) {
            int written = transfer(request, true);
            if (written != Blkif.RSP_OKAY) {
                return written;
            }
        } else if (readOnly) {
            return reject(request, "flush of a read-only disk");
        }
        image.force(true);
        return Blkif.RSP_OKAY;
    }

    private int transfer(BlkifRequest request, boolean write) throws IOException {
        if (write && readOnly) {
            return reject(request, "write to a read-only disk");
        }
        if (request.nrSegments() < 1 || request.nrSegments() > Blkif.MAX_SEGMENTS_PER_REQUEST) {
            return reject(request, request.nrSegments() + " segments");
        }
        long bytes = 0;
        for (BlkifSegment segment : request.segments()) {
            if (!segment.isValid()) {
                return reject(request, "segment sectors " + segment.firstSect() + ".." + segment.lastSect());
            }
            bytes += segment.length();
        }
        long size = image.size();
        if (bytes > size || Long.compareUnsigned(request.sectorNumber(), (size - bytes) / Blkif.SECTOR_SIZE) > 0) {
            return reject(request, "sector " + Long.toUnsignedString(request.sectorNumber())
                    + " + " + bytes + " bytes runs past the end of the " + size + "-byte image");
        }
        long position = request.sectorNumber() * Blkif.SECTOR_SIZE;
        for (BlkifSegment segment : request.segments()) {
            // The guest's buffer is written for a read and only read for a write.
            try (ForeignMapping frame = frontend.mapGrant(segment.gref(), !write)) {
                ByteBuffer data = frame.page(0).duplicate();
                data.position(segment.frameOffset()).limit(segment.frameOffset() + segment.length());
                position = write ? writeFully(data, position) : readFully(data, position);
            }
        }
        return Blkif.RSP_OKAY;
    }

    private long readFully(ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = image.read(into, position);
            if (n < 0) {
                throw new IOException("image " + imagePath + " ends at " + position);
            }
            position += n;
        }
        return position;
    }

    private long writeFully(ByteBuffer from, long position) throws IOException {
        while (from.hasRemaining()) {
            position += image.write(from, position);
        }
        return position;
    }

    private int reject(BlkifRequest request, String why) {
        LOG.log(Level.WARNING, () -> "dom" + frontend.domid() + " " + imagePath + ": rejecting request id "
                + Long.toUnsignedString(request.id()) + " (operation " + request.operation() + "): " + why);
        return Blkif.RSP_ERROR;
    }

    @Override
    public void close() {
        try {
            image.close();
        } catch (IOException e) {
            throw new UncheckedIOException("block backend: closing " + imagePath + ": " + e, e);
        }
    }
}
