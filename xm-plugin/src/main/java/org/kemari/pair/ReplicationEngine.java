package org.kemari.pair;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.kemari.bench.Bench;
import org.kemari.cli.CliException;
import org.kemari.cli.Engine;
import org.kemari.cli.ExitCode;
import org.kemari.cli.Invocation;
import org.kemari.cli.PairSession;
import org.kemari.cli.PairState;
import org.kemari.cli.StateDir;
import org.kemari.config.PairConfig;
import org.kemari.ft.receive.ReplicaFactory;

import org.kemari.xen.sim.guest.IoGuest;
import org.kemari.xen.sim.guest.IoGuestBoot;
import org.kemari.xen.sim.guest.IoGuestConfig;
import org.kemari.ring.guest.WorkloadFormat;
import org.kemari.tap.WitnessLease;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/** The replication engine behind `kemari protect`, `receive`, `failover`, `demo` and `bench`. */
public final class ReplicationEngine implements Engine {
    /** Bounds the replica's activation once the lease is taken (on real Xen it restarts the replica's QEMU). */
    private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(180);
    /** xl create waits for hotplug scripts, which took up to 40 s on an emulated, loaded dom0. */
    private static final Duration XL_LIMIT = Duration.ofSeconds(180);

    @Override
    public String missing(String verb) {
        return null;
    }

    /**
     * A simulated host starts with Domain-0 only: boot the pair's guest there, an io guest whose
     * disk and vif kemari's backends serve, sized to the shared disk image.
     */
    @Override
    public void prepareHost(PairConfig pair, Hypervisor hv) {
        IoGuest.install();
        if (!"sim".equals(hv.backend()) || hv.domains().stream().anyMatch(d -> d.name().equals(pair.domain()))) {
            return;
        }
        if (pair.devices() == null) {
            int domid = SimHost.defaultHost().createGuest(GuestSpec.memtouch(pair.domain()));
            System.err.println("kemari: sim backend: booted simulated memtouch guest '" + pair.domain() + "' (dom " + domid
                    + "), no devices");
            return;
        }
        long blocks;
        try {
            blocks = Files.size(pair.devices().disk()) / WorkloadFormat.BLOCK_SIZE;
        } catch (IOException e) {
            throw new CliException(ExitCode.CONFIG, "devices.disk: cannot read " + pair.devices().disk() + ": " + e.getMessage(), e);
        }
        int domid = IoGuestBoot.boot(SimHost.defaultHost(), IoGuestConfig.demo(pair.domain()).withBlocks(blocks));
        System.err.println("kemari: sim backend: booted simulated io guest '" + pair.domain() + "' (dom " + domid
                + ") with a " + blocks + "-block disk on " + pair.devices().disk());
    }

    @Override
    public ExitCode receive(PairSession s) {
        IoGuest.install();
        return receiveInstalled(s);
    }

    @Override
    public ExitCode protect(PairSession s) {
        PairConfig pair = s.pair();
        Process receiver = s.receiverCommand() == null ? null : startReceiver(s);
        PhaseReporter phase = new PhaseReporter(s.control(), pair.name());
        WitnessLease lease = lease(pair, OwnerNames.primary(pair), s);
        PrimarySide primary = new PrimarySide(pair, s.hypervisor(), s.domain().domid(), PairDevices.of(pair), phase,
                s.log(), lease, p -> s.progress().update(p.roundSent(), p.roundPages()));
        try {
            return primary.run() ? ExitCode.OK : ExitCode.FAILED_OVER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.OK;
        } catch (IllegalStateException e) {
            throw new CliException(ExitCode.FAILURE, e.getMessage(), e);
        } finally {
            if (receiver != null) {
                receiver.destroy();
            }
        }
    }

    /**
     * Runs the -s command (e.g. "ssh root@dom0-b") for the lifetime of protect; its output goes
     * to the pair's log in the state dir. The primary's connect loop waits for it to listen.
     */
    private static Process startReceiver(PairSession s) {
        Path log = s.control().stateDir().resolve(s.pair().name() + ".receiver.log");
        try {
            Process p = new ProcessBuilder("sh", "-c", s.receiverCommand()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            s.log().println("kemari: protect: " + s.pair().name() + ": started the receiver: " + s.receiverCommand()
                    + " (output in " + log + ")");
            return p;
        } catch (IOException e) {
            throw new CliException(ExitCode.PEER_UNREACHABLE, "-s: cannot run '" + s.receiverCommand() + "': " + e.getMessage(), e);
        }
    }

    private ExitCode receiveInstalled(PairSession s) {
        PairConfig pair = s.pair();
        PhaseReporter phase = new PhaseReporter(s.control(), pair.name());
        WitnessLease lease = lease(pair, OwnerNames.secondary(pair), s);
        try {
            boolean failedOver = new SecondarySide(pair, s.hypervisor(), replicas(pair, s.hypervisor()), PairDevices.of(pair),
                    phase, s.log(), lease).run();
            return failedOver ? ExitCode.FAILED_OVER : ExitCode.OK;
        } catch (IOException e) {
            throw new CliException(ExitCode.PEER_UNREACHABLE, "cannot listen on " + pair.secondary().host() + ":"
                    + pair.secondary().port() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.OK;
        }
    }

    /**
     * The simulator builds replicas itself; on real Xen only the toolstack builds a domain that can
     * run, so the config must say which xl config to build it from.
     */
    static ReplicaFactory replicas(PairConfig pair, Hypervisor hv) {
        if ("sim".equals(hv.backend())) {
            return ReplicaFactory.of(hv);
        }
        if (pair.replica() == null) {
            throw new CliException(ExitCode.CONFIG, pair.name() + ": backend " + hv.backend() + " builds the replica with"
                    + " `xl create -p`, and the config has no 'replica:' section naming the xl config to build it from"
                    + " (replica.xl-config: the guest's config without its disks and vifs; docs/config-reference.md)");
        }
        return new XlReplicaFactory(hv, pair.replica(), XlCommand.of("xl", XL_LIMIT));
    }

    /**
     * Asks this host's receive daemon to fail over now, and waits for it to do so or to refuse
     * (the primary still renews the lease). The wait is bounded by two lease durations.
     */
    @Override
    public ExitCode failover(PairSession s, StateDir states) {
        PairConfig pair = s.pair();
        Optional<PairState> running = states.read(pair.name());
        if (running.isEmpty() || !running.get().phase().startsWith("receiving")) {
            throw new CliException(ExitCode.FAILURE, pair.name() + ": no receive daemon with a replica on this host"
                    + running.map(st -> " (state: " + st.phase() + ")").orElse(""));
        }
        Path request = PhaseReporter.failoverRequest(states.path(), pair.name());
        Path refusal = PhaseReporter.failoverRefusal(states.path(), pair.name());
        try {
            Files.deleteIfExists(refusal);
            Files.writeString(request, Instant.now() + "\n");
            Duration lease = pair.witness() == null ? Duration.ofSeconds(3) : pair.witness().leaseDuration();
            long deadline = System.nanoTime() + lease.multipliedBy(2).plusSeconds(5).toNanos();
            boolean takingOver = false;
            while (System.nanoTime() - deadline < 0) {
                if (Files.exists(refusal)) {
                    throw new CliException(ExitCode.FAILURE, pair.name() + ": failover refused: " + Files.readString(refusal).strip());
                }
                Optional<PairState> now = states.read(pair.name());
                if (!takingOver && now.isPresent() && now.get().phase().equals(PairPhase.TAKING_OVER.word())) {
                    // the lease is taken: bringing the replica up (on real Xen a new device model
                    // loading its state) takes what it takes, within its own bounds
                    takingOver = true;
                    deadline = System.nanoTime() + TAKEOVER_LIMIT.toNanos();
                }
                if (now.isPresent() && now.get().phase().equals(PairPhase.FAILED_OVER.word())) {
                    s.log().println("kemari: failover: " + pair.name() + ": the replica runs here now (epoch " + now.get().epoch() + ")");
                    return ExitCode.FAILED_OVER;
                }
                Thread.sleep(50);
            }
            Files.deleteIfExists(request);
            throw new CliException(ExitCode.FAILURE, pair.name() + ": the receive daemon did not fail over within "
                    + (takingOver ? TAKEOVER_LIMIT : lease.multipliedBy(2).plusSeconds(5)).toSeconds() + "s; see its log");
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot request failover in " + states.path() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        }
    }

    @Override
    public ExitCode demo(Invocation in) {
        return new Demo(in).run();
    }

    @Override
    public ExitCode bench(Invocation in) {
        return Bench.run(in);
    }

    /**
     * Without a witness (unsafe: true, xl remus -F) the lease lives in the local state dir: the
     * code path stays the same, but it protects nothing against split brain, and we say so.
     */
    private static WitnessLease lease(PairConfig pair, String owner, PairSession s) {
        if (pair.witness() != null) {
            return new WitnessLease(pair.witness().leaseFile(), owner, pair.witness().leaseDuration());
        }
        s.log().println("kemari: " + pair.name() + ": WARNING: no witness lease (unsafe mode): a network partition can"
                + " leave the guest running on both hosts");
        return new WitnessLease(s.control().stateDir().resolve(pair.name() + ".local-lease"), owner, Duration.ofSeconds(3));
    }
}
