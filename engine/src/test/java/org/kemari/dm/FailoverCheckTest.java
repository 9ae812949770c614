package org.kemari.dm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.DomainType;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The failover decision on the simulator: the same facts Xen would report (guest type, the
 * callback param the guest set, the toolstack's params) give the same answer as on real Xen.
 */
class FailoverCheckTest {
    private static final int ACPI_IOPORTS_LOCATION = 19;
    private static final int STORE_PFN = 1;

    private final SimHost primaryHost = new SimHost();
    private final SimHost secondaryHost = new SimHost();
    private final Hypervisor primary = primaryHost.open();
    private final Hypervisor secondary = secondaryHost.open();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final HvmTakeover takeover = new HvmTakeover(DeviceModels.of(secondary), new PrintStream(logBytes, true, StandardCharsets.UTF_8));

    @AfterEach
    void close() {
        primary.close();
        secondary.close();
        primaryHost.close();
        secondaryHost.close();
    }

    @Test
    void anHvmGuestWithoutEventChannelsFailsOverWithTheParamsItsFirmwareSet() throws InterruptedException {
        int guest = primaryHost.createGuest(GuestSpec.memtouch("g1"));
        primary.setHvmParam(guest, ACPI_IOPORTS_LOCATION, 1);
        int replica = replicaOf(guest);
        commitOneEpoch(guest);

        assertThat(takeover.refusal(secondary, replica, "g1")).isEmpty();
        takeover.restore(secondary, replica);
        assertThat(secondary.hvmParam(replica, ACPI_IOPORTS_LOCATION)).isEqualTo(1);
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("HVM_PARAM_ACPI_IOPORTS_LOCATION 0x0 -> 0x1");
    }

    @Test
    void anHvmGuestThatRegisteredAnUpcallIsRefusedNamingTheCallback() {
        int guest = primaryHost.createGuest(GuestSpec.memtouch("g1"));
        primary.setHvmParam(guest, HvmParams.CALLBACK_IRQ, 0x02000000000000f3L);
        int replica = replicaOf(guest);
        commitOneEpoch(guest);

        assertThat(takeover.refusal(secondary, replica, "g1")).hasValueSatisfying(why -> assertThat(why)
                .startsWith("guest g1 (HVM) registered an event-channel upcall (HVM_PARAM_CALLBACK_IRQ = 0x2000000000000f3, vector 0xf3)")
                .contains("xen_platform_pci=0").doesNotContain("\n"));
    }

    @Test
    void pvhIsRefusedWhateverItsParamsSay() {
        int guest = primaryHost.createGuest(GuestSpec.memtouch("g2").withType(DomainType.PVH));
        int replica = replicaOf(guest);
        commitOneEpoch(guest);

        assertThat(takeover.refusal(secondary, replica, "g2")).hasValueSatisfying(why -> assertThat(why)
                .startsWith("guest g2 is PVH").contains("VIRQ, IPI"));
    }

    @Test
    void anHvmReplicaWithoutAnyCommittedPlatformRecordIsRefused() {
        int guest = primaryHost.createGuest(GuestSpec.memtouch("g1"));
        int replica = replicaOf(guest);
        assertThat(takeover.refusal(secondary, replica, "g1")).hasValueSatisfying(why -> assertThat(why)
                .contains("no committed epoch carried its HVM platform record"));
    }

    @Test
    void aReplicaBuiltDifferentlyFromThePrimaryIsRefused() {
        int guest = primaryHost.createGuest(GuestSpec.memtouch("g1"));
        primary.setHvmParam(guest, STORE_PFN, 0xfeffc);
        int replica = replicaOf(guest);
        commitOneEpoch(guest);
        assertThat(takeover.refusal(secondary, replica, "g1")).hasValueSatisfying(why -> assertThat(why)
                .isEqualTo("replica dom " + replica + " of g1 has HVM_PARAM_STORE_PFN = 0x0 where the primary has 0xfeffc:"
                        + " it was not created from the primary's config"));
    }

    @Test
    void aNewStreamForgetsTheLastPrimarysRecord() {
        int guest = primaryHost.createGuest(GuestSpec.memtouch("g1"));
        int replica = replicaOf(guest);
        commitOneEpoch(guest);
        takeover.forget(secondary, () -> replica);
        assertThat(takeover.refusal(secondary, replica, "g1")).isPresent();
    }

    @Test
    void thePrimaryOfAPvGuestSendsNothingAndTheCheckRefusesIt() {
        int guest = primaryHost.createGuest(GuestSpec.memtouch("pv").withType(DomainType.PV));
        try (PlatformCapture capture = PlatformCapture.open(primary, guest, DeviceModels.of(primary))) {
            assertThat(capture.capture(new EpochId(1))).isEmpty();
        }
        assertThat(FailoverCheck.refusal("pv", DomainType.PV, null)).hasValueSatisfying(why -> assertThat(why).startsWith("guest pv is PV"));
    }

    @Test
    void callbackDeliveryTypesAreNamed() {
        assertThat(FailoverCheck.describeCallback(28)).isEqualTo("via GSI 28");
        assertThat(FailoverCheck.describeCallback(1L << 56 | 0x0018)).isEqualTo("via PCI INTx");
        assertThat(FailoverCheck.describeCallback(2L << 56 | 0xf3)).isEqualTo("vector 0xf3");
    }

    private int replicaOf(int guest) {
        DomainInfo d = primary.domain(guest);
        return secondary.createDomain(new DomainConfig(d.name() + "-replica", d.type(), d.maxPages(), d.vcpus()));
    }

    /** What the primary's capture sends in an epoch, committed on the secondary. */
    private void commitOneEpoch(int guest) {
        primary.pause(guest);
        try (PlatformCapture capture = PlatformCapture.open(primary, guest, DeviceModels.of(primary))) {
            List<OpaqueRecord> records = capture.capture(new EpochId(1));
            assertThat(records).singleElement().extracting(OpaqueRecord::kind).isEqualTo(OpaqueRecord.Kind.HVM_PLATFORM);
            takeover.committed(new EpochId(1), records);
        } finally {
            primary.unpause(guest);
        }
    }
}
