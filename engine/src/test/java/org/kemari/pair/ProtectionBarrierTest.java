package org.kemari.pair;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.kemari.ft.EpochId;
import org.kemari.ft.SyncBarrier;

class ProtectionBarrierTest {

    /** A sender whose epochs the test completes or fails. */
    static final class ManualSender implements SyncBarrier {
        final List<CompletableFuture<EpochId>> syncs = new ArrayList<>();
        EpochId durable = EpochId.NONE;

        @Override
        public CompletableFuture<EpochId> requestSync() {
            CompletableFuture<EpochId> f = new CompletableFuture<>();
            syncs.add(f);
            return f;
        }

        @Override
        public CompletableFuture<EpochId> awaitDurable(EpochId epoch) {
            return requestSync();
        }

        @Override
        public EpochId lastDurable() {
            return durable;
        }
    }

    private final ProtectionBarrier barrier = new ProtectionBarrier();
    private final ManualSender sender = new ManualSender();

    @Test
    void protectedOutputWaitsForTheAcknowledgedEpoch() {
        barrier.protectWith(sender);
        CompletableFuture<Long> f = barrier.syncNow();
        assertThat(f).isNotDone();
        sender.syncs.get(0).complete(new EpochId(7));
        assertThat(f).isCompletedWithValue(7L);
    }

    @Test
    void degradedOutputFlowsAtOnce() {
        assertThat(barrier.syncNow()).isCompletedWithValue(-1L);
        assertThat(barrier.nextEpoch()).isCompletedWithValue(-1L);
    }

    @Test
    void aSenderThatFailsDegradesHeldOutputInsteadOfStrandingIt() {
        barrier.protectWith(sender);
        CompletableFuture<Long> f = barrier.syncNow();
        sender.syncs.get(0).completeExceptionally(new IllegalStateException("secondary silent for 300 ms"));
        assertThat(f).isCompletedWithValue(-1L);
        assertThat(barrier.protectedNow()).isFalse();
    }

    @Test
    void aFencedPrimaryReleasesNothingEver() {
        barrier.protectWith(sender);
        CompletableFuture<Long> held = barrier.syncNow();
        barrier.fence();
        sender.syncs.get(0).completeExceptionally(new IllegalStateException("link closed"));
        assertThat(held).isCompletedExceptionally();
        assertThat(barrier.syncNow()).isCompletedExceptionally();
        barrier.protectWith(null);
        assertThat(barrier.syncNow()).as("fencing is final").isCompletedExceptionally();
    }
}
