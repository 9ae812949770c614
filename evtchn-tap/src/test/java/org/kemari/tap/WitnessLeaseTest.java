package org.kemari.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WitnessLeaseTest {
    private static final Duration D = Duration.ofSeconds(4);
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @TempDir
    Path dir;

    private WitnessLease lease(String who) {
        return new WitnessLease(dir.resolve("pair.lease"), who, D, Duration.ofSeconds(1), now::get);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    /** Found by the torture run: a SIGKILL between truncating and rewriting left an empty, "free" lease. */
    @Test
    void anUpdateCutShortBeforeTheOldTailWasRemovedStillReadsAsTheNewLease() throws Exception {
        WitnessLease a = lease("hostA");
        a.claimIfFree();
        Path file = dir.resolve("pair.lease");
        String longer = "kemari-lease v1 owner=hostA generation=1 counter=123456\n";
        String shorter = "kemari-lease v1 owner=none generation=1 counter=7\n";
        Files.writeString(file, shorter + longer.substring(shorter.length()));

        assertThat(lease("hostB").read()).isEqualTo(new WitnessLease.Record("none", 1, 7));
        assertThat(lease("hostB").claimIfFree()).isTrue();
        assertThat(Files.readString(file)).isEqualTo("kemari-lease v1 owner=hostB generation=2 counter=0\n");
    }

    @Test
    void firstClaimantHoldsAndOthersCannotClaim() {
        WitnessLease a = lease("hostA");
        WitnessLease b = lease("hostB");
        assertThat(a.isValid()).as("never held").isFalse();
        assertThat(a.claimIfFree()).isTrue();
        assertThat(a.generation()).isEqualTo(1);
        assertThat(a.isValid()).isTrue();
        assertThat(b.claimIfFree()).isFalse();
        assertThat(b.read()).isEqualTo(new WitnessLease.Record("hostA", 1, 0));
    }

    /** Found by the cluster lab's partition: a second primary must refuse before it says it is one. */
    @Test
    void heldByAnotherSaysWhatClaimIfFreeWouldRefuseWithoutWriting() throws Exception {
        WitnessLease a = lease("hostA");
        WitnessLease b = lease("hostB");
        assertThat(b.heldByAnother()).as("no lease file yet").isEmpty();
        a.claimIfFree();
        String before = Files.readString(dir.resolve("pair.lease"));
        assertThat(b.heldByAnother()).contains(new WitnessLease.Record("hostA", 1, 0));
        assertThat(Files.readString(dir.resolve("pair.lease"))).as("nothing written").isEqualTo(before);
        assertThat(a.heldByAnother()).as("our own lease").isEmpty();
        a.release();
        assertThat(b.heldByAnother()).as("released").isEmpty();
        assertThat(b.claimIfFree()).isTrue();
    }

    @Test
    void holderValidityEndsBeforeAContenderCanTakeOver() {
        WitnessLease a = lease("hostA");
        WitnessLease b = lease("hostB");
        a.claimIfFree();
        assertThat(b.contend()).isEqualTo(WitnessLease.Contention.HELD);
        advance(Duration.ofSeconds(3));
        assertThat(a.isValid()).as("3 s after renewal, lease of 4 s with 1 s margin").isFalse();
        assertThat(b.contend()).isEqualTo(WitnessLease.Contention.WAITING);
        advance(Duration.ofMillis(999));
        assertThat(b.contend()).isEqualTo(WitnessLease.Contention.WAITING);
        advance(Duration.ofMillis(1));
        assertThat(b.contend()).isEqualTo(WitnessLease.Contention.ACQUIRED);
        assertThat(b.generation()).isEqualTo(2);
        assertThat(b.isValid()).isTrue();
    }

    @Test
    void aStandbyThatObservedAllAlongTakesOverOneDurationAfterTheLastRenewal() {
        WitnessLease a = lease("hostA");
        WitnessLease b = lease("hostB");
        a.claimIfFree();
        for (int i = 0; i < 5; i++) {
            advance(Duration.ofSeconds(1));
            a.renew();
            assertThat(b.observe()).isTrue();
        }
        assertThat(b.observe()).as("no renewal since the last look").isFalse();
        advance(Duration.ofMillis(3999));
        assertThat(b.contend()).isEqualTo(WitnessLease.Contention.WAITING);
        advance(Duration.ofMillis(1));
        assertThat(b.contend()).isEqualTo(WitnessLease.Contention.ACQUIRED);
    }

    @Test
    void aContenderKnowsHowLongItsWatchHasLeftAndARenewalStartsItAgain() {
        WitnessLease a = lease("hostA");
        WitnessLease b = lease("hostB");
        a.claimIfFree();
        assertThat(b.untilTakeable()).as("nothing watched yet").isZero();
        b.observe();
        advance(Duration.ofMillis(1500));
        assertThat(b.untilTakeable()).isEqualTo(Duration.ofMillis(2500));
        a.renew();
        assertThat(b.contend()).isEqualTo(WitnessLease.Contention.HELD);
        assertThat(b.untilTakeable()).as("the renewal restarted the watch").isEqualTo(D);
        advance(D.minusMillis(1));
        assertThat(b.untilTakeable()).isEqualTo(Duration.ofMillis(1));
        assertThat(b.contend()).isEqualTo(WitnessLease.Contention.WAITING);
        advance(Duration.ofMillis(1));
        assertThat(b.untilTakeable()).isZero();
        assertThat(b.contend()).isEqualTo(WitnessLease.Contention.ACQUIRED);
    }

    @Test
    void renewalsKeepAContenderWaitingForever() {
        WitnessLease a = lease("hostA");
        WitnessLease b = lease("hostB");
        a.claimIfFree();
        for (int i = 0; i < 20; i++) {
            assertThat(b.contend()).isNotEqualTo(WitnessLease.Contention.ACQUIRED);
            advance(Duration.ofSeconds(1));
            assertThat(a.renew()).isTrue();
            assertThat(a.isValid()).isTrue();
        }
    }

    @Test
    void aFencedHolderCannotRenew() {
        WitnessLease a = lease("hostA");
        WitnessLease b = lease("hostB");
        a.claimIfFree();
        b.contend();
        advance(D);
        assertThat(b.contend()).isEqualTo(WitnessLease.Contention.ACQUIRED);
        assertThat(a.renew()).as("hostA was partitioned and came back").isFalse();
        assertThat(a.claimIfFree()).isFalse();
        assertThat(a.isValid()).isFalse();
    }

    @Test
    void cleanReleaseLetsThePeerInWithoutWaiting() {
        WitnessLease a = lease("hostA");
        WitnessLease b = lease("hostB");
        a.claimIfFree();
        a.release();
        assertThat(a.isValid()).isFalse();
        assertThat(b.contend()).isEqualTo(WitnessLease.Contention.ACQUIRED);
        assertThat(b.generation()).isEqualTo(2);
        assertThat(a.renew()).isFalse();
    }

    @Test
    void unreachableStorageMakesTheHolderStopButNotCrash() throws Exception {
        WitnessLease a = lease("hostA");
        a.claimIfFree();
        Files.delete(dir.resolve("pair.lease"));
        Files.createDirectory(dir.resolve("pair.lease"));
        assertThat(a.renew()).isFalse();
        advance(D);
        assertThat(a.isValid()).isFalse();
    }

    @Test
    void aForeignFileIsNamedInTheError() throws Exception {
        Files.writeString(dir.resolve("pair.lease"), "hello world\n");
        assertThatThrownBy(() -> lease("hostB").contend())
                .hasMessageContaining("pair.lease").hasMessageContaining("not a kemari lease file");
    }
}
