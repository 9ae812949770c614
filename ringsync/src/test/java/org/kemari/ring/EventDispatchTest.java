package org.kemari.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.kemari.ring.blk.Blkif;
import org.kemari.ring.blk.BlkifRequest;
import org.kemari.ring.blk.BlkifResponse;
import org.junit.jupiter.api.Test;

class EventDispatchTest {
    private final Guest guest = new Guest();
    private final FrontRing<BlkifRequest, BlkifResponse> front = Guest.ring(Blkif.PROTOCOL);
    private final RecordingBackend backend = new RecordingBackend(Guest.backOf(front), guest.frontend);
    private final EventDispatch dispatch = new EventDispatch(guest.events);

    private void post(long id) {
        front.post(BlkifRequest.of(id % 2 == 0 ? Blkif.OP_READ : Blkif.OP_WRITE, 0, id, 0));
        if (front.pushRequestsAndCheckNotify()) {
            guest.events.fire(Guest.PORT);
        }
    }

    @Test
    void withoutATapEveryEventDrainsTheRingAndReArms() {
        dispatch.route(backend, RequestGate.DIRECT);
        post(1);
        post(2);
        assertThat(dispatch.dispatchOnce(Duration.ZERO)).isEqualTo(OptionalInt.of(Guest.PORT));
        assertThat(backend.served).containsExactly(1L, 2L);
        assertThat(guest.events.unmasked()).containsExactly(Guest.PORT);
        assertThat(dispatch.dispatchOnce(Duration.ZERO)).as("the second post coalesced").isEmpty();
        post(3);
        assertThat(dispatch.dispatchOnce(Duration.ZERO)).as("re-armed, so a new post notifies").isPresent();
        assertThat(backend.served).containsExactly(1L, 2L, 3L);
    }

    /** The shape of event-tap: serve reads at once, stop before the first outgoing request. */
    @Test
    void aGateCanHoldOutgoingRequestsAndStillBeWokenForNewOnes() {
        List<Integer> held = new ArrayList<>();
        RequestGate holdWrites = b -> {
            int cursor = b.ring().requestConsumer() + held.size();
            do {
                for (int produced = b.ring().requestProducer(); cursor != produced; cursor++) {
                    if (held.isEmpty() && !b.isOutgoing(cursor)) {
                        b.processUpTo(cursor + 1);
                    } else {
                        held.add(cursor);
                    }
                }
            } while (b.ring().finalCheckForRequestsFrom(cursor));
        };
        dispatch.route(backend, holdWrites);
        post(0);
        post(1);
        dispatch.dispatchOnce(Duration.ZERO);
        assertThat(backend.served).containsExactly(0L);
        assertThat(held).containsExactly(1);
        post(2);
        assertThat(dispatch.dispatchOnce(Duration.ZERO)).as("woken though request 1 is unconsumed").isPresent();
        assertThat(held).as("the read waits behind the held write").containsExactly(1, 2);
        backend.processUpTo(3);
        assertThat(backend.served).containsExactly(0L, 1L, 2L);
    }

    @Test
    void unroutedPortsAndDoubleRoutesAreRefused() {
        dispatch.route(backend, RequestGate.DIRECT);
        assertThatThrownBy(() -> dispatch.route(backend, RequestGate.DIRECT)).isInstanceOf(IllegalStateException.class)
                .hasMessage("event channel port 42 already routes to the blkif backend");
        guest.events.fire(9);
        assertThatThrownBy(() -> dispatch.dispatchOnce(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                .hasMessage("event channel port 9 fired but no backend is routed to it");
    }
}
