package org.kemari.pair;

import org.kemari.config.PairConfig;

/** The names the two hosts of a pair write into the witness lease: their replication endpoints. */
final class OwnerNames {
    private OwnerNames() {
    }

    static String primary(PairConfig pair) {
        return "primary@" + pair.primary().host() + ":" + pair.primary().port();
    }

    static String secondary(PairConfig pair) {
        return "secondary@" + pair.secondary().host() + ":" + pair.secondary().port();
    }
}
