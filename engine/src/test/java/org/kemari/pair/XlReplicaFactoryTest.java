package org.kemari.pair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.pair.EngineException;
import org.kemari.config.Backend;
import org.kemari.config.Compression;
import org.kemari.config.Endpoint;
import org.kemari.config.Heartbeat;
import org.kemari.config.PairConfig;
import org.kemari.config.ReplicaDomain;
import org.kemari.config.Security;
import org.kemari.config.SyncPolicy;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.DomainType;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenException;
import org.kemari.xen.sim.SimHost;

class XlReplicaFactoryTest {
    private final SimHost host = new SimHost();
    private final Hypervisor hv = host.open();
    /** What xl was asked to do, in order. */
    private final List<List<String>> calls = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        hv.close();
        host.close();
    }

    /** Stands in for xl: builds the domain the "config file" describes on the simulator. */
    private XlCommand xlBuilding(DomainType type, long pages, int vcpus) {
        return args -> {
            calls.add(args);
            if (args.get(0).equals("create")) {
                String name = args.get(args.size() - 1).replaceAll("^name=\"(.*)\"$", "$1");
                hv.createDomain(new DomainConfig(name, type, pages, vcpus));
            } else if (args.get(0).equals("destroy")) {
                hv.destroy(Integer.parseInt(args.get(1)));
            }
        };
    }

    private ReplicaDomain config() throws IOException {
        return new ReplicaDomain(Files.writeString(dir.resolve("g1-replica.cfg"), "type = \"pvh\"\n"), null);
    }

    @Test
    void createsThePausedReplicaWithXlAndFindsItByName() throws IOException {
        XlReplicaFactory f = new XlReplicaFactory(hv, config(), xlBuilding(DomainType.PVH, 32768, 1));

        int domid = f.create(new DomainConfig("g1-replica", DomainType.PVH, 32768, 1));

        assertThat(calls).containsExactly(List.of("create", "-p", "-q", dir.resolve("g1-replica.cfg").toString(), "name=\"g1-replica\""));
        assertThat(hv.lookup("g1-replica").domid()).isEqualTo(domid);
        assertThat(hv.domain(domid).paused()).isTrue();

        f.discard(domid);
        assertThat(calls.get(1)).containsExactly("destroy", Integer.toString(domid));
        assertThat(hv.domains()).noneMatch(d -> d.domid() == domid);
    }

    @Test
    void aDomainOfAnotherShapeIsDestroyedAndTheConfigNamed() throws IOException {
        XlReplicaFactory f = new XlReplicaFactory(hv, config(), xlBuilding(DomainType.PVH, 32768, 2));

        assertThatThrownBy(() -> f.create(new DomainConfig("g1-replica", DomainType.PVH, 32768, 1)))
                .isInstanceOf(XenException.class)
                .hasMessageContaining("replica.xl-config " + dir.resolve("g1-replica.cfg") + " builds 2 vcpu(s), the primary has 1");
        assertThat(hv.domains()).noneMatch(d -> d.name().equals("g1-replica"));

        XlReplicaFactory hvm = new XlReplicaFactory(hv, config(), xlBuilding(DomainType.HVM, 32768, 1));
        assertThatThrownBy(() -> hvm.create(new DomainConfig("g1-replica", DomainType.PVH, 32768, 1)))
                .hasMessageContaining("builds a HVM domain, the primary is PVH");
    }

    @Test
    void refusesToReuseAnExistingNameOrAMissingConfig() throws IOException {
        XlReplicaFactory f = new XlReplicaFactory(hv, config(), xlBuilding(DomainType.PVH, 32768, 1));
        hv.createDomain(new DomainConfig("g1-replica", DomainType.PVH, 32768, 1));

        assertThatThrownBy(() -> f.create(new DomainConfig("g1-replica", DomainType.PVH, 32768, 1)))
                .hasMessageContaining("a domain named 'g1-replica' already exists")
                .hasMessageContaining("xl destroy g1-replica");
        XlReplicaFactory none = new XlReplicaFactory(hv, new ReplicaDomain(dir.resolve("absent.cfg"), null),
                xlBuilding(DomainType.PVH, 32768, 1));
        assertThatThrownBy(() -> none.create(new DomainConfig("r2", DomainType.PVH, 32768, 1)))
                .hasMessageContaining("replica.xl-config " + dir.resolve("absent.cfg") + " is not a file on this host");
        assertThat(calls).isEmpty();
    }

    @Test
    void xlFailuresCarryItsExitStatusAndLastLine() throws IOException {
        Path fake = dir.resolve("xl");
        Files.writeString(fake, "#!/bin/sh\necho 'Parsing config'\necho \"libxl: error: $1 failed\" >&2\nexit 3\n");
        assertThat(fake.toFile().setExecutable(true)).isTrue();

        assertThatThrownBy(() -> XlCommand.of(fake.toString(), Duration.ofSeconds(10)).run(List.of("create", "x.cfg")))
                .isInstanceOf(XenException.class)
                .hasMessage(fake + " create x.cfg: exit status 3: libxl: error: create failed");
        assertThatThrownBy(() -> XlCommand.of(dir.resolve("no-xl").toString(), Duration.ofSeconds(10)).run(List.of("list")))
                .hasMessageContaining("cannot run " + dir.resolve("no-xl"));
    }

    @Test
    void backendXenWithoutAReplicaSectionIsRefusedWithTheFix() {
        Hypervisor xen = (Hypervisor) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Hypervisor.class},
                (p, m, a) -> {
                    if (m.getName().equals("backend")) {
                        return "xen";
                    }
                    throw new AssertionError("not expected: " + m.getName());
                });
        PairConfig pair = new PairConfig("g1", "g1", new Endpoint("127.0.0.1", 8102), new Endpoint("127.0.0.1", 8103),
                Backend.XEN, SyncPolicy.DEFAULT, Heartbeat.DEFAULT, null, java.util.Set.of(), Compression.NONE,
                Security.insecure(), true, null, null);

        assertThatThrownBy(() -> ReplicationEngine.replicas(pair, xen))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("g1: backend xen builds the replica with `xl create -p`, and the config has no 'replica:' section");
        int simReplica = ReplicationEngine.replicas(pair, hv).create(new DomainConfig("g1-replica", DomainType.PVH, 256, 1));
        assertThat(hv.domain(simReplica).name()).isEqualTo("g1-replica");
    }
}
