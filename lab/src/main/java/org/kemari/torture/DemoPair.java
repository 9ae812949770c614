package org.kemari.torture;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The files of a pair of simulated hosts on one machine (the demo's, the torture runs'): config,
 * pre-shared key, witness, shared disk, per-role state and logs. The primary may be given its own
 * view of the secondary's address, so that a fault-injecting proxy can sit on the link.
 */
public record DemoPair(Path dir, Liveness liveness) {
    public static final String NAME = "demo";
    static final long DISK_BYTES = 16L << 20;

    /** How soon each side presumes the other gone: the heartbeat and witness lease of the pair's config. */
    public record Liveness(Duration heartbeatInterval, Duration heartbeatTimeout, Duration leaseDuration) {
        /** The shortest heartbeat interval a pair config accepts. */
        private static final Duration MIN_INTERVAL = Duration.ofMillis(10);
        /** The demo's: a failover within about a third of a second, which it shows and FailoverBench times. */
        public static final Liveness DEMO = forTimeout(Duration.ofMillis(300));
        /**
         * The fault-injection runs': they judge what a fault does, not how fast the pair notices,
         * and run as tests on two cores shared at a load average of 15 or more. There the demo's
         * 300 ms made a renewing primary look dead, and even 2 s was short: at load 20 half the
         * initial synchronisations had a 2 s gap with no byte on the link (the secondary
         * dropped the primary: "no data from primary for 2000 ms"), so the heartbeat timeout is
         * 8 s. The lease, which a SIGKILLed primary's replica waits out, stays at 2 s, twenty
         * renewal periods; in none of those runs did a renewal come that late.
         */
        public static final Liveness TOLERANT = new Liveness(Duration.ofMillis(100), Duration.ofSeconds(8), Duration.ofSeconds(2));

        /**
         * A pair that presumes its peer gone after {@code timeout} of silence: a heartbeat six
         * times per timeout, so one late heartbeat is not yet a suspicion, and a witness lease as
         * long as the timeout, so a SIGKILLed primary's lease has run out about when its death is
         * detected.
         *
         * @throws IllegalArgumentException if the heartbeat would come more often than a pair config allows
         */
        public static Liveness forTimeout(Duration timeout) {
            Duration interval = Duration.ofMillis(timeout.toMillis() / 6);
            if (interval.compareTo(MIN_INTERVAL) < 0) {
                throw new IllegalArgumentException("heartbeat timeout " + timeout.toMillis() + " ms is below "
                        + MIN_INTERVAL.multipliedBy(6).toMillis() + " ms (six heartbeats of at least "
                        + MIN_INTERVAL.toMillis() + " ms)");
            }
            return new Liveness(interval, timeout, timeout);
        }

        /** From the primary's last heartbeat until the secondary could hold the lease: a wrong takeover is done by then. */
        public Duration takeover() {
            return heartbeatTimeout.plus(leaseDuration);
        }

        /**
         * From a SIGKILL of the primary until a takeover is done: the secondary sees the closed
         * connection at once and waits out the lease; twice that, for a loaded machine.
         */
        public Duration takeoverAfterKill() {
            return leaseDuration.multipliedBy(2);
        }
    }

    public static DemoPair write(Path dir, int primaryPort, int secondaryPort, InetSocketAddress checker) throws IOException {
        return write(dir, primaryPort, secondaryPort, secondaryPort, checker, Liveness.DEMO);
    }

    /** @param secondaryRoute the port the primary connects to reach the secondary (a proxy's, or secondaryPort) */
    public static DemoPair write(Path dir, int primaryPort, int secondaryPort, int secondaryRoute, InetSocketAddress checker,
                                 Liveness liveness) throws IOException {
        DemoPair p = new DemoPair(dir, liveness);
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
                  interval: %dms
                  timeout: %dms
                witness:
                  lease-file: %s
                  lease-duration: %dms
                tap: [block, net]
                compression: lz4-delta
                security:
                  psk-file: demo.psk
                devices:
                  disk: %s
                  net: %s:%d
                """;
        Files.writeString(p.config(), p.config(template, primaryPort, secondaryPort, checker));
        if (secondaryRoute != secondaryPort) {
            Files.writeString(p.primaryConfig(), p.config(template, primaryPort, secondaryRoute, checker));
        }
        return p;
    }

    private String config(String template, int primaryPort, int secondaryPort, InetSocketAddress checker) {
        return template.formatted(NAME, primaryPort, secondaryPort, liveness.heartbeatInterval().toMillis(),
                liveness.heartbeatTimeout().toMillis(), lease(), liveness.leaseDuration().toMillis(), disk(),
                checker.getHostString(), checker.getPort());
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

    /**
     * The old primary's host coming back after a failover: from now on its daemon reads the pair
     * with the two endpoints swapped, the survivor as primary and itself as secondary. On two
     * real hosts one file serves both and each finds its side by its own addresses; here both
     * endpoints are local, so the orientation is written out.
     */
    public void returnPrimaryAsSecondary() throws IOException {
        List<String> lines = Files.readAllLines(config());
        List<String> swapped = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("primary: ")) {
                swapped.add("secondary: " + line.substring("primary: ".length()));
            } else if (line.startsWith("secondary: ")) {
                swapped.add("primary: " + line.substring("secondary: ".length()));
            } else {
                swapped.add(line);
            }
        }
        Files.write(primaryConfig(), swapped);
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
