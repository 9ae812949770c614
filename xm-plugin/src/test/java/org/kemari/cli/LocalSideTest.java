package org.kemari.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.kemari.config.Backend;
import org.kemari.config.Compression;
import org.kemari.config.Endpoint;
import org.kemari.config.Heartbeat;
import org.kemari.config.PairConfig;
import org.kemari.config.Security;
import org.kemari.config.SyncPolicy;

class LocalSideTest {
    /** TEST-NET-1 (RFC 5737): never an address of this machine. */
    static final Endpoint ELSEWHERE = new Endpoint("192.0.2.1", 8102);
    static final Endpoint HERE = new Endpoint("127.0.0.1", 8102);

    static PairConfig pair(Endpoint primary, Endpoint secondary) {
        return new PairConfig("web1", "web1", primary, secondary, Backend.SIM, SyncPolicy.DEFAULT, Heartbeat.DEFAULT,
                null, PairConfig.ALL_DEVICES, Compression.NONE, Security.insecure(), true, null, null);
    }

    @Test
    void loopbackAndUnresolvableHosts() {
        assertThat(LocalSide.isLocal(HERE)).isTrue();
        assertThat(LocalSide.isLocal(new Endpoint("0.0.0.0", 1))).isTrue();
        assertThat(LocalSide.isLocal(ELSEWHERE)).isFalse();
        assertThat(LocalSide.isLocal(new Endpoint("*", 1))).isFalse();
    }

    @Test
    void aHostNamedOnlyAsPrimaryReceivesOnItsOwnEndpoint() {
        PairConfig seen = LocalSide.asSecondary(pair(HERE, ELSEWHERE));
        assertThat(seen.secondary()).isEqualTo(HERE);
        assertThat(seen.primary()).isEqualTo(ELSEWHERE);
    }

    @Test
    void aHostNamedOnlyAsSecondaryProtectsAsPrimary() {
        assertThat(LocalSide.asPrimary(pair(ELSEWHERE, HERE)).primary()).isEqualTo(HERE);
    }

    @Test
    void whenBothOrNeitherAreLocalTheConfigStandsAsWritten() {
        PairConfig both = pair(HERE, new Endpoint("127.0.0.1", 8103));
        assertThat(LocalSide.asSecondary(both)).isEqualTo(both);
        assertThat(LocalSide.asPrimary(both)).isEqualTo(both);
        PairConfig neither = pair(ELSEWHERE, new Endpoint("192.0.2.2", 8102));
        assertThat(LocalSide.asSecondary(neither)).isEqualTo(neither);
    }
}
