package org.kemari.pair;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import org.kemari.config.Devices;
import org.kemari.config.PairConfig;
import org.kemari.ring.guest.DeviceBackends;
import org.kemari.ring.guest.FrontendLocator;
import org.kemari.ring.guest.GateFactory;
import org.kemari.ring.net.TcpPacketLink;
import org.kemari.tap.RequestKind;
import org.kemari.tap.TapGate;
import org.kemari.xen.Hypervisor;

/**
 * {@link GuestDevices} for guests whose disk and vif kemari's own backends serve (the io guest
 * of the simulator): the disk image on shared storage, packets to a TCP endpoint.
 */
final class PairDevices implements GuestDevices {
    private final Devices devices;

    private PairDevices(Devices devices) {
        this.devices = devices;
    }

    /**
     * No device is served or held: memory, contexts and grant table are replicated, output is
     * not (xl remus -n -d). Only an unsafe pair with an empty tap list gets this.
     */
    private static final GuestDevices NONE = new GuestDevices() {
        @Override
        public AutoCloseable serve(Hypervisor hv, int domid, TapGate gate) {
            return () -> { };
        }

        @Override
        public AutoCloseable reattach(Hypervisor hv, int replicaDomid, TapGate gate) {
            return () -> { };
        }
    };

    static GuestDevices of(PairConfig pair, Hypervisor hv, PrintStream log) {
        if (pair.devices() != null && pair.devices().emulated()) {
            return EmulatedDevices.start(pair, log);
        }
        if (pair.devices() == null && pair.tap().isEmpty() && pair.unsafe()) {
            return NONE;
        }
        if (pair.devices() == null) {
            throw new EngineException(EngineException.Kind.CONFIG, pair.name() + ": the config has no 'devices' section, so kemari serves no"
                    + " device of this guest and event-tap has nothing to hold: output would escape unreplicated."
                    + " Kemari's own backends are needed (devices.disk, devices.net); the kernel's blkback/netback"
                    + " cannot be tapped from dom0 user space. To replicate memory only, as xl remus -n -d, set tap: [] and unsafe: true");
        }
        if (FrontendLocator.find(hv.backend()).isEmpty()) {
            throw new EngineException(EngineException.Kind.UNSUPPORTED, pair.name() + ": 'devices' asks kemari's own dom0"
                    + " backends to serve the guest, and this build cannot find a guest's frontends on backend " + hv.backend()
                    + " (no FrontendLocator for it); to replicate memory only, as xl remus -n -d, set tap: [] and unsafe: true");
        }
        return new PairDevices(pair.devices());
    }

    @Override
    public AutoCloseable serve(Hypervisor hv, int domid, TapGate gate) {
        TcpPacketLink link = link();
        return served(DeviceBackends.connect(hv, domid, devices.disk(), link, through(gate)), link);
    }

    @Override
    public AutoCloseable reattach(Hypervisor hv, int replicaDomid, TapGate gate) {
        TcpPacketLink link = link();
        return served(DeviceBackends.reattach(hv, replicaDomid, devices.disk(), link, through(gate)), link);
    }

    private static GateFactory through(TapGate gate) {
        return (device, backend) -> {
            gate.attach(backend, device == GateFactory.Device.BLOCK ? RequestKind.DeviceClass.BLOCK : RequestKind.DeviceClass.NET);
            return gate;
        };
    }

    private static AutoCloseable served(DeviceBackends backends, TcpPacketLink link) {
        return () -> {
            backends.close();
            link.close();
        };
    }

    private TcpPacketLink link() {
        return new TcpPacketLink(new InetSocketAddress(devices.net().host(), devices.net().port()));
    }
}
