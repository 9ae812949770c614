package org.kemari.xen;

/**
 * The shape of a domain to create: used to build the secondary's replica with the primary's
 * shape. A created domain starts paused, as `xl create -p` leaves it.
 */
public record DomainConfig(String name, DomainType type, long memoryPages, int vcpus) {
    public DomainConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("domain name is empty");
        }
        if (memoryPages <= 0) {
            throw new IllegalArgumentException("domain memory must be positive: " + memoryPages + " pages");
        }
        if (vcpus <= 0) {
            throw new IllegalArgumentException("vcpus must be positive: " + vcpus);
        }
    }

    public static DomainConfig like(DomainInfo info, String name) {
        return new DomainConfig(name, info.type(), info.maxPages(), info.vcpus());
    }
}
