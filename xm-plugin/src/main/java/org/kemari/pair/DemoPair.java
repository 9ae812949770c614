package org.kemari.pair;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The files of the demo's pair: config, pre-shared key, witness, shared disk, per-role state and logs. */
record DemoPair(Path dir) {
    static final String NAME = "demo";
    static final long DISK_BYTES = 16L << 20;

    static DemoPair write(Path dir, int primaryPort, int secondaryPort, InetSocketAddress checker) throws IOException {
        DemoPair p = new DemoPair(dir);
        Path psk = dir.resolve("demo.psk");
        Files.write(psk, Demo.randomKey());
        Files.setPosixFilePermissions(psk, PosixFilePermissions.fromString("rw-------"));
        try (RandomAccessFile f = new RandomAccessFile(p.disk().toFile(), "rw")) {
            f.setLength(DISK_BYTES);
        }
        Files.writeString(p.config(), """
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
                """.formatted(NAME, primaryPort, secondaryPort, dir.resolve("demo.lease"), p.disk(),
                checker.getHostString(), checker.getPort()));
        return p;
    }

    Path config() {
        return dir.resolve("demo.yaml");
    }

    Path disk() {
        return dir.resolve("shared-disk.img");
    }

    Path stateDir(String role) {
        return dir.resolve(role);
    }

    Path primaryState() {
        return stateDir("primary");
    }

    Path secondaryState() {
        return stateDir("secondary");
    }

    Path log(String role) {
        return dir.resolve(role + ".log");
    }
}
