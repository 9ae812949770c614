package org.kemari.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.kemari.ring.blk.Blkif;
import org.kemari.ring.blk.BlkifRequest;
import org.kemari.ring.blk.BlkifResponse;
import org.junit.jupiter.api.Test;

/**
 * Frontend and backend on two threads over one direct buffer, as guest and dom0 share a page:
 * every request must arrive intact and in order, every response likewise. A missing release or
 * acquire would let a consumer read a slot before its contents.
 */
class RingConcurrencyTest {
    private static final int COUNT = 20_000;

    @Test
    void requestsAndResponsesCrossThreadsIntactAndInOrder() throws Exception {
        FrontRing<BlkifRequest, BlkifResponse> front = Guest.ringAt(Blkif.PROTOCOL, -COUNT / 2);
        BackRing<BlkifRequest, BlkifResponse> back = Guest.backOf(front);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Long> backend = threads.submit(() -> {
                long mismatches = 0;
                for (long expected = 0; expected < COUNT; ) {
                    if (back.unconsumedRequests() == 0) {
                        Thread.yield();
                        continue;
                    }
                    BlkifRequest r = back.takeRequest();
                    if (r.id() != expected || r.sectorNumber() != ~expected) {
                        mismatches++;
                    }
                    back.respond(new BlkifResponse(r.id(), r.operation(), (int) (r.id() & 0x7fff)));
                    back.pushResponses();
                    expected++;
                }
                return mismatches;
            });
            Future<Long> frontend = threads.submit(() -> {
                long mismatches = 0;
                long next = 0;
                for (long expected = 0; expected < COUNT; ) {
                    if (next < COUNT && !front.isFull()) {
                        front.post(BlkifRequest.of(Blkif.OP_READ, 0, next, ~next));
                        front.pushRequests();
                        next++;
                    } else if (front.unconsumedResponses() > 0) {
                        BlkifResponse r = front.takeResponse();
                        if (r.id() != expected || r.status() != (int) (expected & 0x7fff)) {
                            mismatches++;
                        }
                        expected++;
                    } else {
                        Thread.yield();
                    }
                }
                return mismatches;
            });
            assertThat(frontend.get(30, TimeUnit.SECONDS)).isZero();
            assertThat(backend.get(30, TimeUnit.SECONDS)).isZero();
            assertThat(front.responseConsumer()).isEqualTo(-COUNT / 2 + COUNT);
        } catch (TimeoutException e) {
            throw new AssertionError("ring stalled: front at " + front.requestProducerPrivate() + "/"
                    + front.responseConsumer() + ", back at " + back.requestConsumer(), e);
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
