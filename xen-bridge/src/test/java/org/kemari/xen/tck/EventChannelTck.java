package org.kemari.xen.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.kemari.xen.EventChannels;
import org.kemari.xen.XenException;

/**
 * Event channels with Xen's masking: a fired port is delivered once and stays masked; notifies
 * meanwhile coalesce into one delivery after unmask. dom0 talks to itself through an
 * interdomain channel (both ends in dom0), which real Xen allows, so no guest is needed.
 */
public abstract class EventChannelTck extends TckBase {
    private static final Duration DELIVERY = Duration.ofSeconds(5);

    @Test
    void aFiredPortIsMaskedUntilUnmaskAndNotifiesCoalesce() {
        try (EventChannels a = hv.openEventChannels(); EventChannels b = hv.openEventChannels()) {
            int pa = a.bindUnboundPort(0);
            int pb = b.bindInterdomain(0, pa);
            b.notify(pb);
            assertThat(a.pending(DELIVERY)).hasValue(pa);
            b.notify(pb);
            b.notify(pb);
            b.notify(pb);
            assertThat(a.pending(target().quietPeriod())).as("masked port delivered again").isEmpty();
            a.unmask(pa);
            assertThat(a.pending(DELIVERY)).as("coalesced delivery after unmask").hasValue(pa);
            a.unmask(pa);
            assertThat(a.pending(target().quietPeriod())).as("second delivery of coalesced notifies").isEmpty();
            b.notify(pb);
            assertThat(a.pending(DELIVERY)).as("delivery after unmask and a new notify").hasValue(pa);
        }
    }

    @Test
    void channelsWorkBothWays() {
        try (EventChannels a = hv.openEventChannels(); EventChannels b = hv.openEventChannels()) {
            int pa = a.bindUnboundPort(0);
            int pb = b.bindInterdomain(0, pa);
            a.notify(pa);
            assertThat(b.pending(DELIVERY)).hasValue(pb);
            assertThat(a.pending(target().quietPeriod())).as("sender is not notified").isEmpty();
        }
    }

    @Test
    void bindingAPortNotOfferedFails() {
        try (EventChannels a = hv.openEventChannels(); EventChannels b = hv.openEventChannels()) {
            int offeredToOther = a.bindUnboundPort(startGuest("other"));
            assertThatThrownBy(() -> b.bindInterdomain(0, offeredToOther)).isInstanceOf(XenException.class);
            assertThatThrownBy(() -> b.notify(4000)).as("notify on a port this handle never bound")
                    .isInstanceOf(XenException.class);
        }
    }

    @Test
    void guestAndDom0NotifyEachOther() {
        int domid = startGuest("evtchn");
        Optional<GuestAgent> agent = target().agent(domid);
        assumeTrue(agent.isPresent(), "backend cannot act as the guest kernel");
        GuestAgent guest = agent.get();
        try (EventChannels dom0 = hv.openEventChannels()) {
            int guestPort = guest.allocUnboundPort(0);
            int local = dom0.bindInterdomain(domid, guestPort);
            guest.notify(guestPort);
            assertThat(dom0.pending(DELIVERY)).hasValue(local);
            dom0.notify(local);
            dom0.notify(local);
            OptionalInt got = guest.awaitEvent(DELIVERY);
            assertThat(got).hasValue(guestPort);
        }
    }
}
