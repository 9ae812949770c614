package org.kemari.ring.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.kemari.ring.BackRing;
import org.kemari.ring.FrontRing;
import org.kemari.ring.Guest;
import org.kemari.ring.blk.Blkif;
import org.kemari.ring.blk.BlkifRequest;
import org.kemari.ring.blk.BlkifResponse;
import org.kemari.ring.blk.BlkifSegment;
import org.kemari.ring.blk.BlockBackend;

/**
 * Rough throughput of the ring code, run by hand (not a test):
 * {@code java -cp <test-classes>:<classes>:<xen-bridge.jar> org.kemari.ring.bench.RingBenchmark}.
 * Measures one thread playing both ends, so it is the cost of the index protocol and the slot
 * codecs, not of cross-CPU traffic; and a block backend serving 4 KiB writes to a temp image.
 */
public final class RingBenchmark {
    private RingBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        for (int round = 0; round < 3; round++) {
            report("blkif ring round trips", ringRoundTrips(2_000_000));
            report("block backend 4 KiB writes", backendWrites(100_000));
        }
    }

    private static void report(String what, double perSecond) {
        System.out.printf("%-28s %,12.0f /s%n", what, perSecond);
    }

    private static double ringRoundTrips(int count) {
        FrontRing<BlkifRequest, BlkifResponse> front = Guest.ring(Blkif.PROTOCOL);
        BackRing<BlkifRequest, BlkifResponse> back = Guest.backOf(front);
        BlkifRequest request = BlkifRequest.of(Blkif.OP_READ, 0, 1, 0, new BlkifSegment(1, 0, 7));
        long start = System.nanoTime();
        for (int i = 0; i < count; i += 16) {
            for (int j = 0; j < 16; j++) {
                front.post(request);
            }
            front.pushRequestsAndCheckNotify();
            while (back.unconsumedRequests() > 0) {
                BlkifRequest r = back.takeRequest();
                back.respond(new BlkifResponse(r.id(), r.operation(), Blkif.RSP_OKAY));
            }
            back.pushResponsesAndCheckNotify();
            back.finalCheckForRequests();
            while (front.unconsumedResponses() > 0) {
                front.takeResponse();
            }
            front.finalCheckForResponses();
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static double backendWrites(int count) throws IOException {
        Path image = Files.createTempFile("ring-bench", ".img");
        try {
            Files.write(image, new byte[1 << 20]);
            Guest guest = new Guest();
            int frame = guest.grants.grantFilled(0x5a);
            FrontRing<BlkifRequest, BlkifResponse> front = Guest.ring(Blkif.PROTOCOL);
            try (BlockBackend backend = new BlockBackend(Guest.backOf(front), guest.frontend, image, false)) {
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    front.post(BlkifRequest.of(Blkif.OP_WRITE, 0, i, (i % 256) * 8L, new BlkifSegment(frame, 0, 7)));
                    front.pushRequests();
                    backend.drain();
                    front.takeResponse();
                }
                return count / ((System.nanoTime() - start) / 1e9);
            }
        } finally {
            Files.delete(image);
        }
    }
}
