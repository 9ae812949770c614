package org.kemari.ft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kemari.ft.receive.EpochReceiver;
import org.kemari.ft.receive.ReceiverConfig;
import org.kemari.ft.receive.ReceiverOutcome;
import org.kemari.ft.receive.ReceiverOutcome.Kind;
import org.kemari.ft.transport.TransportConfig;
import org.kemari.ft.wire.Control;
import org.kemari.ft.wire.Features;
import org.kemari.ft.wire.Record;
import org.kemari.ft.wire.RecordReader;
import org.kemari.ft.wire.RecordType;
import org.kemari.ft.wire.Role;
import org.kemari.ft.wire.StreamHeader;
import org.kemari.ft.wire.Wire;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/**
 * A hand-written primary commits epoch 1 to a real receiver on the simulator, then sends a
 * damaged epoch 2. Whatever the damage, the receiver must refuse it with a one-line error saying
 * where, and the replica must still be byte for byte what epoch 1 made it.
 */
@Timeout(30)
class RejectionTest {
    private final SimHost primaryHost = new SimHost();
    private final SimHost secondaryHost = new SimHost();
    private final Hypervisor primary = primaryHost.open();
    private final Hypervisor secondary = secondaryHost.open();
    private LinkPair links;
    private EpochReceiver rx;
    private GuestState guest;
    private GuestState afterEpoch1;
    private RecordReader fromSecondary;
    /** Stream offset of the first byte of epoch 2. */
    private long epoch2;

    @BeforeEach
    void commitEpochOne() throws Exception {
        int dom = primaryHost.createGuest(GuestSpec.memtouch("victim").withWorkingSetPages(64).withMemoryMiB(4));
        primary.pause(dom);
        DomainInfo info = primary.domain(dom);
        guest = GuestState.of(primary, dom);
        links = LinkPair.open(TransportConfig.insecure());
        // a heartbeat timeout far below the initial silence, so a test can tell which one applied
        rx = new EpochReceiver(secondary, links.secondary(), ReceiverConfig.defaults("victim-replica")
                .withTimeouts(Duration.ofMillis(100), Duration.ofMillis(1500)).withInitialSilence(Duration.ofMinutes(1)));
        rx.start();
        send(new StreamHeader(Role.PRIMARY, Features.NONE, info.type(), info.vcpus(), info.maxPages(), info.maxGpfn(),
                Wire.MAX_RECORD).encode().array());
        StreamHeader.decode(RecordReader.readHeader(links.primary().in()), Role.SECONDARY);
        fromSecondary = new RecordReader(links.primary().in(), StreamHeader.SIZE, Wire.MAX_RECORD);
        int frames = (int) (info.maxGpfn() + 1);
        CraftedEpoch one = new CraftedEpoch().begin(1, frames);
        for (int pfn = 0; pfn < frames; pfn += Wire.MAX_BATCH_PAGES) {
            one.rawPages(guest.memory(), pfn, Math.min(Wire.MAX_BATCH_PAGES, frames - pfn));
        }
        byte[] bytes = one.contexts(guest).commit(1).bytes();
        send(bytes);
        assertThat(nextAck()).isEqualTo(1);
        epoch2 = StreamHeader.SIZE + bytes.length;
        afterEpoch1 = GuestState.of(secondary, rx.replicaDomid());
        afterEpoch1.assertSameAs(guest);
    }

    @AfterEach
    void tearDown() throws IOException {
        rx.close();
        links.close();
        primaryHost.close();
        secondaryHost.close();
    }

    private void send(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            links.primary().out().write(b);
        }
    }

    private long nextAck() throws IOException {
        while (true) {
            Record r = fromSecondary.next();
            if (r.type() == RecordType.ACK) {
                return Control.Ack.decode(r).epoch();
            }
        }
    }

    /** Epoch 2: pages 1..8 overwritten with 0x5a, contexts unchanged. */
    private CraftedEpoch epochTwo() {
        byte[] changed = guest.memory().clone();
        Arrays.fill(changed, Wire.PAGE_SIZE, 9 * Wire.PAGE_SIZE, (byte) 0x5a);
        return new CraftedEpoch().begin(2, 8).rawPages(changed, 1, 8).contexts(guest);
    }

    private ReceiverOutcome outcome() throws Exception {
        ReceiverOutcome o = rx.outcome().get(10, TimeUnit.SECONDS);
        GuestState.of(secondary, rx.replicaDomid()).assertSameAs(afterEpoch1);
        assertThat(o.lastCommitted()).isEqualTo(new EpochId(1));
        assertThat(o.replicaValid()).isTrue();
        return o;
    }

    /**
     * Random damage to a real epoch 2 (a flipped byte, a record dropped, duplicated, swapped with
     * another, its length rewritten, the stream cut), then the primary goes away. Whatever the
     * receiver made of it, the replica must be exactly at a committed epoch: epoch 1 untouched,
     * or (if the damage happened to leave a valid epoch, e.g. two page batches swapped) epoch 2.
     */
    @RepeatedTest(40)
    void aDamagedEpochLeavesTheReplicaExactlyAtACommittedEpoch(RepetitionInfo repetition) throws Exception {
        Random random = new Random(repetition.getCurrentRepetition());
        CraftedEpoch two = epochTwo().commit(2);
        String damage;
        byte[] bytes;
        List<byte[]> records = split(two);
        int a = random.nextInt(records.size());
        int b = random.nextInt(records.size());
        switch (random.nextInt(6)) {
            case 0 -> {
                bytes = two.bytes();
                int at = random.nextInt(bytes.length);
                bytes[at] ^= (byte) (1 + random.nextInt(255));
                damage = "byte " + at + " flipped";
            }
            case 1 -> {
                records.remove(a);
                bytes = join(records);
                damage = "record " + a + " dropped";
            }
            case 2 -> {
                records.add(a, records.get(a));
                bytes = join(records);
                damage = "record " + a + " duplicated";
            }
            case 3 -> {
                records.set(a, records.set(b, records.get(a)));
                bytes = join(records);
                damage = "records " + a + " and " + b + " swapped";
            }
            case 4 -> {
                bytes = two.bytes();
                int length = random.nextInt();
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(two.offsets().get(a) + 4, length);
                damage = "record " + a + " length set to " + Integer.toUnsignedString(length);
            }
            default -> {
                bytes = Arrays.copyOf(two.bytes(), random.nextInt(two.bytes().length));
                damage = "cut at byte " + bytes.length;
            }
        }
        try {
            send(bytes);
        } catch (IOException e) {
            // the receiver may hang up before all of it arrived
        }
        links.primary().close();
        ReceiverOutcome o = rx.outcome().get(10, TimeUnit.SECONDS);
        GuestState replica = GuestState.of(secondary, rx.replicaDomid());
        if (o.lastCommitted().number() == 2) {
            byte[] memory = replica.memory();
            assertThat(memory[Wire.PAGE_SIZE]).as(damage).isEqualTo((byte) 0x5a);
            assertThat(Arrays.mismatch(memory, afterEpoch1.memory())).as(damage).isEqualTo(Wire.PAGE_SIZE);
        } else {
            assertThat(o.lastCommitted()).as(damage + ": " + o).isEqualTo(new EpochId(1));
            replica.assertSameAs(afterEpoch1);
        }
        assertThat(o.replicaValid()).as(damage).isTrue();
    }

    private static List<byte[]> split(CraftedEpoch epoch) {
        byte[] all = epoch.bytes();
        List<byte[]> records = new ArrayList<>();
        List<Integer> at = epoch.offsets();
        for (int i = 0; i < at.size(); i++) {
            records.add(Arrays.copyOfRange(all, at.get(i), i + 1 < at.size() ? at.get(i + 1) : all.length));
        }
        return records;
    }

    private static byte[] join(List<byte[]> records) {
        ByteBuffer out = ByteBuffer.allocate(records.stream().mapToInt(r -> r.length).sum());
        records.forEach(out::put);
        return out.array();
    }

    @Test
    void aValidEpochTwoIsAppliedSoTheOthersProveSomething() throws Exception {
        send(epochTwo().commit(2).bytes());
        assertThat(nextAck()).isEqualTo(2);
        byte[] replica = GuestState.of(secondary, rx.replicaDomid()).memory();
        assertThat(replica[Wire.PAGE_SIZE]).isEqualTo((byte) 0x5a);
        assertThat(Arrays.mismatch(replica, afterEpoch1.memory())).isEqualTo(Wire.PAGE_SIZE);
    }

    @Test
    void crcMismatchDiscardsTheEpoch() throws Exception {
        CraftedEpoch two = epochTwo().commit(2);
        byte[] bytes = two.bytes();
        int batch = two.offsets().get(1);
        bytes[batch + 100] ^= 0x01;
        send(bytes);
        ReceiverOutcome o = outcome();
        assertThat(o.kind()).isEqualTo(Kind.STREAM_REJECTED);
        assertThat(o.reason()).contains("epoch 2, record 1 (PAGE_BATCH) at offset " + (epoch2 + batch) + ": CRC32C mismatch");
    }

    @Test
    void hugeLengthIsRefusedBeforeAllocation() throws Exception {
        CraftedEpoch two = epochTwo();
        byte[] bytes = two.bytes();
        int batch = two.offsets().get(1);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(batch + 4, 0x7fffff00);
        send(Arrays.copyOf(bytes, batch + 8));
        ReceiverOutcome o = outcome();
        assertThat(o.kind()).isEqualTo(Kind.STREAM_REJECTED);
        assertThat(o.reason()).contains("epoch 2, record 1 (PAGE_BATCH) at offset " + (epoch2 + batch)
                + ": length 2147483392 exceeds the 8388608-byte limit");
    }

    @Test
    void unknownMandatoryRecordFailsTheStream() throws Exception {
        send(epochTwo().add(0x00000077, ByteBuffer.allocate(8)).commit(2).bytes());
        ReceiverOutcome o = outcome();
        assertThat(o.kind()).isEqualTo(Kind.STREAM_REJECTED);
        assertThat(o.reason()).contains("epoch 2, record 6 (record type 0x00000077)").contains("unknown mandatory record type");
    }

    @Test
    void unknownOptionalRecordIsSkippedAndCounted() throws Exception {
        send(epochTwo().add(0x80000077, ByteBuffer.allocate(8)).commit(2).bytes());
        assertThat(nextAck()).isEqualTo(2);
    }

    @Test
    void replayedEpochIsRefused() throws Exception {
        send(new CraftedEpoch().begin(1, 0).contexts(guest).commit(1).bytes());
        ReceiverOutcome o = outcome();
        assertThat(o.kind()).isEqualTo(Kind.STREAM_REJECTED);
        assertThat(o.reason()).contains("EPOCH_BEGIN record at offset " + epoch2
                + ": epoch 1 does not follow the last committed epoch 1 (replayed)");
    }

    @Test
    void aPrimarySilentOnceAnEpochIsCommittedIsLostAfterTheHeartbeatTimeoutNotTheInitialSilence() throws Exception {
        ReceiverOutcome o = outcome();
        assertThat(o.kind()).isEqualTo(Kind.PRIMARY_LOST);
        assertThat(o.reason()).contains("no data from").contains("for 1500 ms");
        assertThat(o.replicaValid()).isTrue();
    }

    @Test
    void epochWithoutCommitIsDiscardedWhenThePrimaryDies() throws Exception {
        send(epochTwo().bytes());
        links.primary().close();
        ReceiverOutcome o = outcome();
        assertThat(o.kind()).isEqualTo(Kind.PRIMARY_LOST);
        assertThat(o.reason()).contains("without END").contains("incomplete epoch 2 discarded, replica stays at epoch 1");
    }

    @Test
    void recordCutOffByThePrimarysDeathIsDiscardedAndTheReplicaStaysValid() throws Exception {
        CraftedEpoch two = epochTwo().commit(2);
        byte[] bytes = two.bytes();
        send(Arrays.copyOf(bytes, two.offsets().get(1) + 1000));
        links.primary().close();
        ReceiverOutcome o = outcome();
        // a primary SIGKILLed while transmitting leaves exactly this; it must trigger failover, not a rejection
        assertThat(o.kind()).isEqualTo(Kind.PRIMARY_LOST);
        assertThat(o.reason()).contains("epoch 2, record 1 (PAGE_BATCH) at offset " + (epoch2 + two.offsets().get(1))
                + ": stream truncated").contains("incomplete epoch 2 discarded, replica stays at epoch 1");
    }

    @Test
    void tornEpochWithARecordMissingIsDetectedAtCommit() throws Exception {
        CraftedEpoch two = epochTwo().commit(2);
        byte[] bytes = two.bytes();
        int vcpu = two.offsets().get(4);
        int grants = two.offsets().get(5);
        byte[] torn = new byte[bytes.length - (grants - vcpu)];
        System.arraycopy(bytes, 0, torn, 0, vcpu);
        System.arraycopy(bytes, grants, torn, vcpu, bytes.length - grants);
        send(torn);
        ReceiverOutcome o = outcome();
        assertThat(o.kind()).isEqualTo(Kind.STREAM_REJECTED);
        assertThat(o.reason()).contains("epoch 2, record 5 (EPOCH_COMMIT)").contains("commit counts 5 records, 4 arrived (torn epoch)");
    }

    @Test
    void anEpochOfAPvhGuestWithoutItsPhysmapIsRefused() throws Exception {
        CraftedEpoch two = new CraftedEpoch().begin(2, 0).add(RecordType.HVM_CONTEXT.code(), ByteBuffer.wrap(guest.hvm()));
        for (int v = 0; v < guest.vcpus().length; v++) {
            two.add(RecordType.VCPU_CONTEXT.code(), new Control.Vcpu(v, guest.vcpus()[v]).encode());
        }
        send(two.add(RecordType.GRANT_TABLE.code(), ByteBuffer.wrap(guest.grants())).commit(2).bytes());
        ReceiverOutcome o = outcome();
        assertThat(o.kind()).isEqualTo(Kind.STREAM_REJECTED);
        assertThat(o.reason()).contains("EPOCH_COMMIT").contains("guest has no physmap");
        GuestState.of(secondary, rx.replicaDomid()).assertSameAs(afterEpoch1);
    }

    @Test
    void aXenPageThisVersionCannotRecreateIsUnsupported() throws Exception {
        ByteBuffer grantFrame = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(1).putInt(0).putInt(1).putInt(0).putLong(0).putLong(0x1000).flip(); // XENMAPSPACE_grant_table
        send(new CraftedEpoch().begin(2, 0).add(RecordType.PHYSMAP.code(), grantFrame).commit(2).bytes());
        ReceiverOutcome o = outcome();
        assertThat(o.kind()).isEqualTo(Kind.STREAM_REJECTED);
        assertThat(o.reason()).contains("epoch 2, record 1 (PHYSMAP)").contains("Xen page of space 1 index 0");
    }

    @Test
    void pagesBeyondTheGuestAreRefused() throws Exception {
        byte[] bigger = Arrays.copyOf(guest.memory(), guest.memory().length + Wire.PAGE_SIZE);
        send(new CraftedEpoch().begin(2, 1).rawPages(bigger, bigger.length / Wire.PAGE_SIZE - 1, 1).bytes());
        ReceiverOutcome o = outcome();
        assertThat(o.kind()).isEqualTo(Kind.STREAM_REJECTED);
        assertThat(o.reason()).contains("beyond the guest's max gpfn");
    }

    @Test
    void aConsumerThatRefusesTheOpaqueRecordsStopsTheStreamWithoutAck() throws Exception {
        rx.addConsumer((epoch, records) -> {
            throw new IllegalStateException("ring state of epoch " + epoch.number() + " unreadable");
        });
        send(epochTwo().commit(2).bytes());
        ReceiverOutcome o = rx.outcome().get(10, TimeUnit.SECONDS);
        assertThat(o.kind()).isEqualTo(Kind.REPLICA_FAILED);
        assertThat(o.reason()).contains("ring state of epoch 2 unreadable");
        assertThat(o.replicaValid()).isFalse();
        Record answer = fromSecondary.next();
        while (answer.type() == RecordType.HEARTBEAT) {
            answer = fromSecondary.next();
        }
        assertThat(answer.type()).as("no ACK, the reason instead").isEqualTo(RecordType.ERROR);
    }

    @Test
    void heldRequestLogWithNobodyToTakeItIsRefusedNotDropped() throws Exception {
        send(epochTwo().add(RecordType.EVENT_TAP_LOG.code(), ByteBuffer.wrap(new byte[] {1, 2, 3})).commit(2).bytes());
        ReceiverOutcome o = outcome();
        assertThat(o.kind()).isEqualTo(Kind.STREAM_REJECTED);
        assertThat(o.reason()).contains("epoch 2 carries EVENT_TAP_LOG records but nothing on this secondary consumes them");
    }

    @Test
    void diskWritesWithNobodyToApplyThemAreRefusedNotDropped() throws Exception {
        rx.addConsumer(EpochConsumer.of(OpaqueRecord.Kind.EVENT_TAP_LOG, (epoch, records) -> { }));
        send(epochTwo().add(RecordType.EVENT_TAP_LOG.code(), ByteBuffer.wrap(new byte[] {1}))
                .add(RecordType.DISK_WRITES.code(), ByteBuffer.allocate(16)).commit(2).bytes());
        ReceiverOutcome o = outcome();
        assertThat(o.kind()).isEqualTo(Kind.STREAM_REJECTED);
        assertThat(o.reason()).contains("epoch 2 carries DISK_WRITES records but nothing on this secondary consumes them");
    }

    @Test
    void theDiskWritesOfAnEpochCutOffBeforeItsCommitNeverReachTheirOwner() throws Exception {
        List<Long> applied = new ArrayList<>();
        rx.addConsumer(EpochConsumer.of(OpaqueRecord.Kind.DISK_WRITES, (epoch, records) -> applied.add(epoch.number())));
        send(epochTwo().add(RecordType.DISK_WRITES.code(), ByteBuffer.allocate(16)).bytes());
        links.primary().close();
        ReceiverOutcome o = outcome();
        assertThat(o.kind()).isEqualTo(Kind.PRIMARY_LOST);
        assertThat(o.reason()).contains("incomplete epoch 2 discarded");
        assertThat(applied).isEmpty();
    }

    @Test
    void theDiskWritesOfACommittedEpochReachTheirOwnerBeforeItsAck() throws Exception {
        List<Long> applied = new ArrayList<>();
        rx.addConsumer(EpochConsumer.of(OpaqueRecord.Kind.DISK_WRITES, (epoch, records) -> applied.add(epoch.number())));
        send(epochTwo().add(RecordType.DISK_WRITES.code(), ByteBuffer.allocate(16)).commit(2).bytes());
        assertThat(nextAck()).isEqualTo(2);
        assertThat(applied).containsExactly(2L);
    }
}
