package org.kemari.xen;

/**
 * Guest type. Matters to replication: Debian's Xen 4.17 is built without shadow paging, so a
 * PV guest cannot enable log-dirty (EOPNOTSUPP); PVH and HVM guests can.
 */
public enum DomainType {
    PV, PVH, HVM;

    /** HVM and PVH both run in an HVM container and carry an HVM context. */
    public boolean hasHvmContext() {
        return this != PV;
    }
}
