package org.kemari.pair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Set;
import org.kemari.config.Backend;
import org.kemari.config.Compression;
import org.kemari.config.Devices;
import org.kemari.config.Endpoint;
import org.kemari.config.Heartbeat;
import org.kemari.config.PairConfig;
import org.kemari.config.Security;
import org.kemari.config.SyncPolicy;
import org.kemari.config.TapDevice;
import org.kemari.xen.Hypervisor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's UNSUPPORTED kind (exit 10, ENGINE_MISSING, on the command line): a pair whose
 * devices kemari's own backends should serve, on a backend for which this build cannot find the
 * guest's frontends (only the simulator registers a FrontendLocator).
 */
class EngineMissingTest {

    private static Hypervisor backendNamed(String name) {
        return (Hypervisor) Proxy.newProxyInstance(Hypervisor.class.getClassLoader(), new Class<?>[] {Hypervisor.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("backend")) {
                        return name;
                    }
                    throw new AssertionError("not expected: " + m.getName());
                });
    }

    @Test
    void devicesOnABackendWithoutFrontendLocatorAreUnsupported() {
        PairConfig pair = new PairConfig("g1", "g1", new Endpoint("127.0.0.1", 8102), new Endpoint("127.0.0.1", 8103),
                Backend.XEN, SyncPolicy.DEFAULT, Heartbeat.DEFAULT, null, Set.of(TapDevice.BLOCK), Compression.NONE,
                Security.insecure(), false, new Devices(Path.of("/srv/g1.img"), new Endpoint("127.0.0.1", 9000)), null);

        assertThatThrownBy(() -> PairDevices.of(pair, backendNamed("xen"), new PrintStream(OutputStream.nullOutputStream())))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.UNSUPPORTED))
                .hasMessageContaining("cannot find a guest's frontends on backend xen");
    }

    @Test
    void anEmulatedDiskWhoseImageIsMissingIsAConfigErrorNamingIt(@TempDir Path dir) {
        Path image = dir.resolve("g1.img");
        PairConfig pair = emulated(new Devices(image, null, dir.resolve("g1.nbd"), null));

        assertThatThrownBy(() -> PairDevices.of(pair, backendNamed("xen"), new PrintStream(OutputStream.nullOutputStream())))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.CONFIG))
                .hasMessageContaining(image.toString());
    }

    private static PairConfig emulated(Devices devices) {
        return new PairConfig("g1", "g1", new Endpoint("127.0.0.1", 8102), new Endpoint("127.0.0.1", 8103),
                Backend.XEN, SyncPolicy.DEFAULT, Heartbeat.DEFAULT, null, Set.of(), Compression.NONE,
                Security.insecure(), true, devices, null);
    }
}
