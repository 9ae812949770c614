package org.kemari.xen.sim.guest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The verdict rules of docs/checker.md, applied in the tests by code independent of the guest:
 * output must be contiguous from 0 (a seq may repeat only with the same content), and every
 * block must hold its newest acknowledged write, or a newer one, intact.
 */
final class DiskCheck {
    private DiskCheck() {
    }

    /** Violations of the output rule; empty if the acknowledgements are a gap-free story. */
    static List<String> outputViolations(List<Ack> acks) {
        List<String> out = new ArrayList<>();
        Map<Long, Ack> seen = new HashMap<>();
        long next = 0;
        for (Ack a : acks) {
            Ack before = seen.putIfAbsent(a.seq(), a);
            if (before != null) {
                if (before.block() != a.block() || before.hash() != a.hash()) {
                    out.add("divergence at seq " + a.seq());
                }
            } else {
                if (a.seq() != next) {
                    out.add("gap: expected seq " + next + ", got " + a.seq());
                }
                next = a.seq() + 1;
            }
        }
        return out;
    }

    /** Violations of the disk rule for an image of {@code blocks} blocks. */
    static List<String> diskViolations(Path image, long blocks, List<Ack> acks) throws IOException {
        ByteBuffer disk = ByteBuffer.wrap(Files.readAllBytes(image)).order(ByteOrder.LITTLE_ENDIAN);
        Map<Long, Ack> newest = new HashMap<>();
        for (Ack a : acks) {
            newest.merge(a.block(), a, (x, y) -> x.seq() >= y.seq() ? x : y);
        }
        List<String> out = new ArrayList<>();
        for (Ack a : newest.values()) {
            int at = Math.toIntExact(a.block() * 4096);
            if (a.block() >= blocks || a.seq() % blocks != a.block()) {
                out.add("ack " + a.seq() + " names block " + a.block() + " of " + blocks);
                continue;
            }
            byte[] raw = new byte[4096];
            disk.get(at, raw);
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            long seq = b.getLong(8);
            if (!new String(raw, 0, 8, StandardCharsets.US_ASCII).equals("KMRBLK01")) {
                out.add("block " + a.block() + " has no KMRBLK01 (newest ack " + a.seq() + ")");
            } else if (b.getLong(16) != a.block()) {
                out.add("block " + a.block() + " names itself " + b.getLong(16));
            } else if (b.getLong(24) != fnv(raw, 32)) {
                out.add("block " + a.block() + " is torn (inner checksum)");
            } else if (seq < a.seq()) {
                out.add("block " + a.block() + " holds write " + seq + ", older than acknowledged " + a.seq());
            } else if (seq == a.seq() && fnv(raw, 0) != a.hash()) {
                out.add("block " + a.block() + " holds write " + seq + " with another hash than acknowledged");
            }
        }
        return out;
    }

    /** FNV-1a 64 of {@code bytes[from..]}. */
    static long fnv(byte[] bytes, int from) {
        long hash = 0xcbf29ce484222325L;
        for (int i = from; i < bytes.length; i++) {
            hash = (hash ^ Byte.toUnsignedLong(bytes[i])) * 0x100000001b3L;
        }
        return hash;
    }
}
