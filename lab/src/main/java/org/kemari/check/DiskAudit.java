package org.kemari.check;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks that every acknowledged write is on the shared disk. A block may hold a newer write
 * than its last acknowledged one (performed, but the primary died before its acknowledgement
 * got out; the replica performs it again), never an older one, and never a torn one.
 */
public final class DiskAudit {
    private DiskAudit() {
    }

    public static List<String> audit(Path image, Map<Long, AckRecord> lastAckPerBlock) throws IOException {
        List<String> problems = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(BlockImage.BLOCK_SIZE);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            for (AckRecord ack : lastAckPerBlock.values().stream().sorted((a, b) -> Long.compare(a.block(), b.block())).toList()) {
                buf.clear();
                int n = ch.read(buf, ack.block() * BlockImage.BLOCK_SIZE);
                String where = image + " block " + ack.block();
                if (n != BlockImage.BLOCK_SIZE) {
                    problems.add(where + ": beyond the end of the image, but write " + ack.seq() + " was acknowledged");
                    continue;
                }
                BlockImage.Header h = BlockImage.header(buf);
                if (!h.written()) {
                    problems.add(where + ": never written, but write " + ack.seq() + " was acknowledged");
                } else if (!h.intact()) {
                    problems.add(where + ": torn (inner checksum fails); write " + ack.seq() + " was acknowledged");
                } else if (h.block() != ack.block()) {
                    problems.add(where + ": holds data meant for block " + h.block());
                } else if (h.seq() < ack.seq()) {
                    problems.add(where + ": holds write " + h.seq() + ", older than acknowledged write " + ack.seq());
                } else if (h.seq() == ack.seq() && BlockImage.fnv1a64(buf, 0, BlockImage.BLOCK_SIZE) != ack.hash()) {
                    problems.add(where + ": write " + ack.seq() + " is there with other content than acknowledged");
                }
            }
        }
        return problems;
    }
}
