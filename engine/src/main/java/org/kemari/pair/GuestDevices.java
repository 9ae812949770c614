package org.kemari.pair;

import java.util.Optional;
import java.util.function.Consumer;
import org.kemari.ft.receive.EpochReceiver;
import org.kemari.ft.send.EpochSender;
import org.kemari.tap.TapGate;
import org.kemari.xen.Hypervisor;

/**
 * The protected guest's virtual devices as this host serves them: kemari's own dom0 block and
 * network backends on the guest's shared rings, or the disk of an HVM guest's QEMU over NBD. The
 * primary serves them through event-tap; the secondary, at failover, re-attaches them to the
 * replicated rings. Closed when the daemon ends: what it serves for the daemon's whole life (an
 * NBD server the guest's QEMU is connected to) stops then.
 */
interface GuestDevices extends AutoCloseable {

    /** Primary: starts the backends of {@code domid}'s devices, every request passing {@code gate}. */
    AutoCloseable serve(Hypervisor hv, int domid, TapGate gate);

    /**
     * Secondary, at failover: re-creates the replica's event channels, attaches backends to the
     * replicated rings with corrected indexes (unanswered requests are served again at once) and
     * starts them; later requests pass {@code gate}, since the failed-over guest is protected
     * again as soon as a secondary answers. The caller unpauses the replica afterwards.
     */
    AutoCloseable reattach(Hypervisor hv, int replicaDomid, TapGate gate);

    /**
     * Primary: the devices' share of one replication stream, taken before {@code sender} starts
     * (records in every epoch) and ended with it. None for devices whose whole state is in the
     * guest's memory and rings.
     */
    default DeviceStream stream(EpochSender sender, Consumer<String> warn) {
        return DeviceStream.NONE;
    }

    /** Secondary: a stream begins; whatever the devices take from its committed epochs is added to {@code rx}. */
    default void receive(EpochReceiver rx) {
    }

    /** Secondary: why the devices here cannot take over the replica now, or empty. */
    default Optional<String> refusal() {
        return Optional.empty();
    }

    @Override
    default void close() {
    }
}
