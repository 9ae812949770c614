package org.kemari.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The lease on shared storage that decides who may run the guest: the secondary fails over
 * only if it takes the lease, so a network partition never leaves two running copies.
 */
public record Witness(Path leaseFile, Duration leaseDuration) {
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(3);
}
