package org.kemari.torture;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The files of a pair of simulated hosts on one machine (the demo's, the torture runs'): config,
 * pre-shared key, witness, shared disk, per-role state and logs. The primary may be given its own
 * view of the secondary's address, so that a fault-injecting proxy can sit on the link.
 */
public record DemoPair(Path dir) {
    public static final String NAME = "demo";
    static final long DISK_BYTES = 16L << 20;

    public static DemoPair write(Path dir, int primaryPort, int secondaryPort, InetSocketAddress checker) throws IOException {
        return write(dir, primaryPort, secondaryPort, secondaryPort, checker);
    }

    /** @param secondaryRoute the port the primary connects to reach the secondary (a proxy's, or secondaryPort) */
    public static DemoPair write(Path dir, int primaryPort, int secondaryPort, int secondaryRoute, InetSocketAddress checker)
            throws IOException {
        DemoPair p = new DemoPair(dir);
        Path psk = dir.resolve("demo.psk");
        Files.write(psk, randomKey());
        Files.setPosixFilePermissions(psk, PosixFilePermissions.fromString("rw-------"));
        try (RandomAccessFile f = new RandomAccessFile(p.disk().toFile(), "rw")) {
            f.setLength(DISK_BYTES);
        }
        Files.createDirectories(p.witnessDir());
        String template = """
                # written by kemari demo: a pair of simulated hosts on this machine
                pair: %s
                domain: demo-guest
                primary: 127.0.0.1:%d
                secondary: 127.0.0.1:%d
                backend: sim
                sync:
                  mode: event
                  interval: 20ms
                  max-epoch-interval: 200ms
                  max-in-flight: 4
                heartbeat:
                  interval: 50ms
                  timeout: 300ms
                witness:
                  lease-file: %s
                  lease-duration: 300ms
                tap: [block, net]
                compression: lz4-delta
                security:
                  psk-file: demo.psk
                devices:
                  disk: %s
                  net: %s:%d
                """;
        Files.writeString(p.config(), template.formatted(NAME, primaryPort, secondaryPort, p.lease(), p.disk(),
                checker.getHostString(), checker.getPort()));
        if (secondaryRoute != secondaryPort) {
            Files.writeString(p.primaryConfig(), template.formatted(NAME, primaryPort, secondaryRoute, p.lease(), p.disk(),
                    checker.getHostString(), checker.getPort()));
        }
        return p;
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    public Path config() {
        return dir.resolve("demo.yaml");
    }

    /** The config a role's daemon reads: the primary's own view of the link if one was written. */
    public Path config(String role) {
        return role.equals("primary") && Files.exists(primaryConfig()) ? primaryConfig() : config();
    }

    private Path primaryConfig() {
        return dir.resolve("demo-primary-view.yaml");
    }

    public Path disk() {
        return dir.resolve("shared-disk.img");
    }

    /** The witness lease lives alone in this directory, so a test can take the storage away. */
    public Path witnessDir() {
        return dir.resolve("witness");
    }

    public Path lease() {
        return witnessDir().resolve("demo.lease");
    }

    public Path stateDir(String role) {
        return dir.resolve(role);
    }

    public Path primaryState() {
        return stateDir("primary");
    }

    public Path secondaryState() {
        return stateDir("secondary");
    }

    public Path log(String role) {
        return dir.resolve(role + ".log");
    }
}
