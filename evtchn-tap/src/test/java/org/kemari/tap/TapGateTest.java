package org.kemari.tap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kemari.ring.BackRing;
import org.kemari.ring.FrontRing;
import org.kemari.ring.Frontend;
import org.kemari.ring.RingBackend;
import org.kemari.ring.SharedRing;
import org.kemari.ring.blk.Blkif;
import org.kemari.ring.blk.BlkifRequest;
import org.kemari.ring.blk.BlkifResponse;

class TapGateTest {

    /** Consumes what it is released, counting; no frontend to answer (the test reads the count). */
    private static final class CountingBackend implements RingBackend {
        final BackRing<BlkifRequest, BlkifResponse> ring;
        final CountDownLatch served = new CountDownLatch(1);

        CountingBackend(SharedRing<BlkifRequest, BlkifResponse> shared) {
            ring = new BackRing<>(shared, 0);
        }

        @Override
        public BackRing<?, ?> ring() {
            return ring;
        }

        @Override
        public Frontend frontend() {
            throw new UnsupportedOperationException("not signalled in this test");
        }

        @Override
        public boolean isOutgoing(int index) {
            return ring.peekRequest(index).isOutgoing();
        }

        @Override
        public int processUpTo(int end) {
            int count = end - ring.requestConsumer();
            for (int i = 0; i < count; i++) {
                ring.takeRequest();
                served.countDown();
            }
            return count;
        }

        @Override
        public void close() {
        }
    }

    /** The bug the fence fixes: a release served while an epoch copies the guest's rings. */
    @Test
    void aReleaseWhileTheFenceIsShutIsServedOnlyOnceItOpens() throws Exception {
        SharedRing<BlkifRequest, BlkifResponse> shared = new SharedRing<>(ByteBuffer.allocateDirect(4096), Blkif.PROTOCOL);
        FrontRing<BlkifRequest, BlkifResponse> front = FrontRing.init(shared);
        CountingBackend backend = new CountingBackend(shared);
        EventTap tap = new EventTap(new EventTapTest.ManualBarrier(), SyncMode.EVENT,
                EnumSet.allOf(RequestKind.DeviceClass.class), () -> true, System::nanoTime);
        try (TapGate gate = new TapGate(tap)) {
            gate.attach(backend, RequestKind.DeviceClass.BLOCK);
            gate.fence().shut();
            front.post(BlkifRequest.of(Blkif.OP_READ, 0, 7, 0));
            front.pushRequests();
            gate.requestsPublished(backend); // a read passes the tap at once
            while (!gate.fence().hasWaitingBackends()) {
                Thread.onSpinWait();
            }
            assertThat(backend.served.getCount()).as("nothing served while the capture copies").isEqualTo(1);
            gate.fence().open();
            assertThat(backend.served.await(10, TimeUnit.SECONDS)).as("served once the fence opens").isTrue();
        }
    }
}
