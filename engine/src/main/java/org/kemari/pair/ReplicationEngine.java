package org.kemari.pair;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.kemari.config.PairConfig;
import org.kemari.ft.receive.ReplicaFactory;
import org.kemari.tap.WitnessLease;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Hypervisor;

/**
 * The replication engine behind `kemari protect`, `receive` and `failover`. Its host (the command
 * line's daemon) implements {@link PairHost}; failures are {@link EngineException}s.
 */
public final class ReplicationEngine {
    /** How a side's run ended when it did not fail. */
    public enum Outcome {
        /** Stopped on request. */
        STOPPED,
        /** The pair failed over: after protect the guest runs on the other host; after receive or failover, here. */
        FAILED_OVER,
        /** Controlled switchover: this primary handed the guest over to its secondary. */
        HANDED_OVER
    }

    /** How long a switchover may take beyond the final epoch's acknowledgement (the daemon's own bound). */
    private static final Duration SWITCHOVER_SLACK = Duration.ofSeconds(10);

    /** Bounds the replica's activation once the lease is taken (on real Xen it restarts the replica's QEMU). */
    private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(180);
    /** xl create waits for hotplug scripts, which took up to 40 s on an emulated, loaded dom0. */
    private static final Duration XL_LIMIT = Duration.ofSeconds(180);

    /** The devices {@link #create} started for the guest it built, served by the next protect. */
    private GuestDevices created;

    /**
     * Called by protect before the domain is looked up, with the pair's backend open: refuses
     * at once if another host holds the witness lease (the guest may run there), before this
     * host says it is a primary or starts anything; then, where the backend starts empty (a
     * simulated host has only Domain-0), its {@link BackendSupport} boots the pair's guest. On
     * Xen the guest is the administrator's.
     */
    public void prepareHost(PairConfig pair, Hypervisor hv, PrintStream log) {
        if (pair.witness() != null) {
            new WitnessLease(pair.witness().leaseFile(), OwnerNames.primary(pair), pair.witness().leaseDuration())
                    .heldByAnother().ifPresent(r -> {
                        throw new EngineException(EngineException.Kind.REFUSED, pair.name() + ": the witness lease "
                                + pair.witness().leaseFile() + " is held by " + r.owner() + " (generation " + r.generation()
                                + "): the guest may be running there; refusing to protect a second copy");
                    });
        }
        BackendSupport support = BackendSupport.of(hv);
        support.install();
        support.prepareHost(pair, hv, log);
    }

    /**
     * Primary, `kemari protect --create`: starts what the guest's device model needs from its
     * first instant (QEMU exits at start when its NBD server is not up), then builds the guest with
     * `xl create`, named as the pair's domain; the next {@link #protect} serves those devices.
     * In the daemon's own process: the devices live as long as it does.
     */
    public DomainInfo create(PairConfig pair, Hypervisor hv, Path xlConfig, PrintStream log) {
        if (!"xen".equals(hv.backend())) {
            throw new EngineException(EngineException.Kind.UNSUPPORTED, pair.name() + ": --create builds the guest with xl create;"
                    + " backend " + hv.backend() + " has no xl");
        }
        GuestDevices devices = PairDevices.of(pair, hv, log);
        try {
            XlCommand.of("xl", XL_LIMIT).run(List.of("create", "-q", xlConfig.toString(), "name=\"" + pair.domain() + "\""));
            DomainInfo guest = hv.lookup(pair.domain());
            log.println("kemari: protect: " + pair.name() + ": created dom " + guest.domid() + " (" + pair.domain() + ") from "
                    + xlConfig);
            created = devices;
            return guest;
        } catch (RuntimeException e) {
            devices.close();
            throw new EngineException(EngineException.Kind.FAILURE, pair.name() + ": --create " + xlConfig + ": " + e.getMessage(), e);
        }
    }

    /** Secondary: accept the stream, keep the replica, fail over when the primary dies. */
    public Outcome receive(PairRun s) {
        BackendSupport.of(s.hypervisor()).install();
        return receiveInstalled(s);
    }

    /** Primary: initial sync, then epochs until stopped or failed over. Runs in the foreground. */
    public Outcome protect(PairRun s) {
        PairConfig pair = s.pair();
        Process receiver = s.receiverCommand() == null ? null : startReceiver(s);
        PhaseReporter phase = new PhaseReporter(s.host(), pair.name());
        WitnessLease lease = lease(pair, OwnerNames.primary(pair), s);
        GuestDevices devices = created != null ? created : PairDevices.of(pair, s.hypervisor(), s.log());
        created = null;
        PrimarySide primary = new PrimarySide(pair, s.hypervisor(), s.domain().domid(), devices, phase,
                s.log(), lease, p -> s.host().syncProgress(p.roundSent(), p.roundPages()));
        try (devices) {
            boolean stopped = primary.run();
            return primary.handedOver() ? Outcome.HANDED_OVER : stopped ? Outcome.STOPPED : Outcome.FAILED_OVER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.STOPPED;
        } catch (IllegalStateException e) {
            throw new EngineException(EngineException.Kind.FAILURE, e.getMessage(), e);
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
    private static Process startReceiver(PairRun s) {
        Path log = s.host().stateDir().resolve(s.pair().name() + ".receiver.log");
        try {
            Process p = new ProcessBuilder("sh", "-c", s.receiverCommand()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            s.log().println("kemari: protect: " + s.pair().name() + ": started the receiver: " + s.receiverCommand()
                    + " (output in " + log + ")");
            return p;
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.PEER_UNREACHABLE, "-s: cannot run '" + s.receiverCommand() + "': " + e.getMessage(), e);
        }
    }

    private Outcome receiveInstalled(PairRun s) {
        PairConfig pair = s.pair();
        PhaseReporter phase = new PhaseReporter(s.host(), pair.name());
        WitnessLease lease = lease(pair, OwnerNames.secondary(pair), s);
        try (GuestDevices devices = PairDevices.of(pair, s.hypervisor(), s.log())) {
            boolean failedOver = new SecondarySide(pair, s.hypervisor(), replicas(pair, s.hypervisor()), devices,
                    phase, s.log(), lease, s.manualFailover(), p -> s.host().syncProgress(p.roundSent(), p.roundPages())).run();
            return failedOver ? Outcome.FAILED_OVER : Outcome.STOPPED;
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.PEER_UNREACHABLE, "cannot listen on " + pair.secondary().host() + ":"
                    + pair.secondary().port() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.STOPPED;
        }
    }

    /**
     * A backend may build replicas itself (its {@link BackendSupport}: the simulator does); on real
     * Xen only the toolstack builds a domain that can run, so the config must say which xl config
     * to build it from.
     */
    static ReplicaFactory replicas(PairConfig pair, Hypervisor hv) {
        ReplicaFactory own = BackendSupport.of(hv).replicas(pair, hv);
        if (own != null) {
            return own;
        }
        if (pair.replica() == null) {
            throw new EngineException(EngineException.Kind.CONFIG, pair.name() + ": backend " + hv.backend() + " builds the replica with"
                    + " `xl create -p`, and the config has no 'replica:' section naming the xl config to build it from"
                    + " (replica.xl-config: the guest's config without its disks and vifs; docs/config-reference.md)");
        }
        return new XlReplicaFactory(hv, pair.replica(), XlCommand.of("xl", XL_LIMIT));
    }

    /**
     * Asks this host's receive daemon to fail over now, and waits for it to do so or to refuse
     * (the primary still renews the lease). The wait is bounded by two lease durations.
     */
    public Outcome failover(PairConfig pair, PrintStream log, StateDir states) {
        Optional<PairState> running = states.read(pair.name());
        if (running.isPresent() && running.get().phase() == PairPhase.FAILED_OVER) {
            // a cluster manager's promote after the daemon failed over by itself: nothing to do
            log.println("kemari: failover: " + pair.name() + ": the replica runs here already (epoch " + running.get().epoch() + ")");
            return Outcome.FAILED_OVER;
        }
        if (running.isPresent() && running.get().phase() == PairPhase.TAKING_OVER) {
            return awaitTakeover(pair, log, states);
        }
        if (running.isEmpty() || running.get().phase() != PairPhase.RECEIVING) {
            throw new EngineException(EngineException.Kind.FAILURE, pair.name() + ": no receive daemon with a replica on this host"
                    + running.map(st -> " (state: " + st.phase() + ")").orElse(""));
        }
        OperatorRequest request = PhaseReporter.failoverRequest(states.path(), pair.name());
        try {
            request.make();
            Duration lease = pair.witness() == null ? Duration.ofSeconds(3) : pair.witness().leaseDuration();
            long deadline = System.nanoTime() + lease.multipliedBy(2).plusSeconds(5).toNanos();
            boolean takingOver = false;
            while (System.nanoTime() - deadline < 0) {
                Optional<String> refused = request.refused();
                if (refused.isPresent()) {
                    throw new EngineException(EngineException.Kind.REFUSED, pair.name() + ": failover refused: " + refused.get());
                }
                Optional<PairState> now = states.read(pair.name());
                if (!takingOver && now.isPresent() && now.get().phase() == PairPhase.TAKING_OVER) {
                    // the lease is taken: bringing the replica up (on real Xen a new device model
                    // loading its state) takes what it takes, within its own bounds
                    takingOver = true;
                    deadline = System.nanoTime() + TAKEOVER_LIMIT.toNanos();
                }
                // failed-over, or already protecting the guest again to a receiver on the other host
                if (now.isPresent() && now.get().phase().runsGuest()) {
                    log.println("kemari: failover: " + pair.name() + ": the replica runs here now (epoch " + now.get().epoch() + ")");
                    return Outcome.FAILED_OVER;
                }
                Thread.sleep(50);
            }
            Files.deleteIfExists(request.request());
            throw new EngineException(EngineException.Kind.FAILURE, pair.name() + ": the receive daemon did not fail over within "
                    + (takingOver ? TAKEOVER_LIMIT : lease.multipliedBy(2).plusSeconds(5)).toSeconds() + "s; see its log");
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.FAILURE, "cannot request failover in " + states.path() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Kind.FAILURE, pair.name() + ": interrupted while waiting for failover", e);
        }
    }

    /**
     * Controlled switchover (docs/failover.md): asks this host's protecting daemon to hand the
     * guest over to its secondary, and waits until it has (the final epoch acknowledged, the
     * lease released, the paused guest here stopped) or refused. Bounded by twice the heartbeat
     * timeout and some slack.
     */
    public Outcome switchover(PairConfig pair, PrintStream log, StateDir states) {
        Optional<PairState> running = states.read(pair.name()).filter(StateDir::alive);
        if (running.isEmpty() || running.get().role() != PairRole.PRIMARY) {
            throw new EngineException(EngineException.Kind.FAILURE, pair.name() + ": no daemon protects the guest on this host"
                    + running.map(st -> " (state: " + st.role().token() + ", " + st.phase() + ")").orElse("")
                    + "; run kemari switchover on the primary");
        }
        PairState primary = running.get();
        if (primary.phase() != PairPhase.PROTECTED) {
            throw new EngineException(EngineException.Kind.REFUSED, pair.name() + ": switchover refused: the pair is " + primary.phase()
                    + ", not protected: no secondary holds a replica to hand the guest to");
        }
        Path leaseFile = pair.witness() != null ? pair.witness().leaseFile() : states.path().resolve(pair.name() + ".local-lease");
        WitnessLease observer = new WitnessLease(leaseFile, "switchover-observer", Duration.ofSeconds(1));
        WitnessLease.Record before = readLease(observer);
        OperatorRequest request = PhaseReporter.switchoverRequest(states.path(), pair.name());
        Duration limit = pair.heartbeat().timeout().multipliedBy(2).plus(SWITCHOVER_SLACK);
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            request.make();
            while (System.nanoTime() - deadline < 0) {
                Optional<String> refused = request.refused();
                if (refused.isPresent()) {
                    throw new EngineException(EngineException.Kind.REFUSED, pair.name() + ": switchover refused: " + refused.get());
                }
                Optional<PairState> now = states.read(pair.name()).filter(st -> st.pid() == primary.pid());
                boolean ended = now.isEmpty() || !StateDir.alive(now.get());
                if (now.isPresent() && now.get().phase() == PairPhase.HANDED_OVER || ended) {
                    WitnessLease.Record after = readLease(observer);
                    if (after == null || after.equals(before)) {
                        throw new EngineException(EngineException.Kind.FAILURE, pair.name() + ": the daemon (pid " + primary.pid()
                                + ") ended without releasing the witness lease " + leaseFile + "; see its log");
                    }
                    log.println("kemari: switchover: " + pair.name() + ": handed over to " + primary.peer()
                            + now.map(st -> " at epoch " + st.epoch()).orElse("") + "; the witness lease " + leaseFile
                            + " is now " + (after.released() ? "released for the secondary to take" : "held by " + after.owner()));
                    return Outcome.HANDED_OVER;
                }
                Thread.sleep(20);
            }
            Files.deleteIfExists(request.request());
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.FAILURE, "cannot request a switchover in " + states.path() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Kind.FAILURE, pair.name() + ": interrupted while waiting for the switchover", e);
        }
        throw new EngineException(EngineException.Kind.FAILURE, pair.name() + ": the daemon did not hand over within "
                + limit.toSeconds() + "s; see its log");
    }

    /**
     * The receive daemon lost its primary and contends for the lease by itself (a cluster
     * manager promotes it after the primary's host died, or behind a partition): waits for it to
     * take over, two lease durations and 5 s at most. If the lease changed hands meanwhile
     * without this host taking it, its holder is alive and renewing: refused, so that no caller
     * goes on to start the guest some other way.
     */
    private static Outcome awaitTakeover(PairConfig pair, PrintStream log, StateDir states) {
        Duration lease = pair.witness() == null ? Duration.ofSeconds(3) : pair.witness().leaseDuration();
        WitnessLease witness = pair.witness() == null ? null
                : new WitnessLease(pair.witness().leaseFile(), OwnerNames.secondary(pair), lease);
        WitnessLease.Record first = readLease(witness);
        Duration limit = lease.multipliedBy(2).plusSeconds(5);
        long deadline = System.nanoTime() + limit.toNanos();
        Path request = PhaseReporter.failoverRequest(states.path(), pair.name()).request();
        try {
            // a receiver started with --manual-failover waits for this before it contends
            Files.writeString(request, Instant.now() + "\n");
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.FAILURE, "cannot request failover in " + states.path() + ": " + e.getMessage(), e);
        }
        try {
            while (System.nanoTime() - deadline < 0) {
                Optional<PairState> now = states.read(pair.name());
                if (now.isPresent() && now.get().phase().runsGuest()) {
                    log.println("kemari: failover: " + pair.name() + ": the receive daemon took over: the replica runs here now (epoch "
                            + now.get().epoch() + ")");
                    return Outcome.FAILED_OVER;
                }
                if (now.isEmpty() || now.get().phase() != PairPhase.TAKING_OVER) {
                    throw new EngineException(EngineException.Kind.FAILURE, pair.name() + ": the receive daemon was taking over and is now "
                            + now.map(st -> st.phase().word()).orElse("gone") + "; see its log");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Kind.FAILURE, pair.name() + ": interrupted while waiting for the takeover", e);
        } finally {
            // served (the daemon deletes it as it fails over) or withdrawn: a manual receiver stops contending
            try {
                Files.deleteIfExists(request);
            } catch (IOException e) {
                log.println("kemari: failover: " + pair.name() + ": cannot withdraw the request " + request + ": " + e.getMessage());
            }
        }
        WitnessLease.Record last = readLease(witness);
        if (last != null && !last.equals(first)) {
            // the holder first: a cluster manager keeps only the start of an exit reason
            throw new EngineException(EngineException.Kind.REFUSED, pair.name() + ": failover refused: " + last.owner()
                    + " still renews the witness lease (generation " + last.generation() + "): that primary is alive,"
                    + " only the link to it is down (lease " + witness.file() + ")");
        }
        throw new EngineException(EngineException.Kind.FAILURE, pair.name() + ": the receive daemon did not take over within "
                + limit.toSeconds() + "s; see its log");
    }

    private static WitnessLease.Record readLease(WitnessLease witness) {
        if (witness == null) {
            return null;
        }
        try {
            return witness.read();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Without a witness (unsafe: true, xl remus -F) the lease lives in the local state dir: the
     * code path stays the same, but it protects nothing against split brain, and we say so.
     */
    private static WitnessLease lease(PairConfig pair, String owner, PairRun s) {
        if (pair.witness() != null) {
            return new WitnessLease(pair.witness().leaseFile(), owner, pair.witness().leaseDuration());
        }
        s.log().println("kemari: " + pair.name() + ": WARNING: no witness lease (unsafe mode): a network partition can"
                + " leave the guest running on both hosts");
        return new WitnessLease(s.host().stateDir().resolve(pair.name() + ".local-lease"), owner, Duration.ofSeconds(3));
    }
}
