package org.kemari.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValuesTest {
    @Test
    void endpointsParseHostsPortsAndBracketedIpv6() {
        assertThat(Endpoint.parse("h:1")).isEqualTo(new Endpoint("h", 1));
        assertThat(Endpoint.parse("h")).isEqualTo(new Endpoint("h", Endpoint.DEFAULT_PORT));
        assertThat(Endpoint.parse("[::1]:9")).isEqualTo(new Endpoint("::1", 9));
        assertThat(Endpoint.parse("[::1]:9").toString()).isEqualTo("[::1]:9");
        assertThatThrownBy(() -> Endpoint.parse("::1")).hasMessageContaining("in brackets");
        assertThatThrownBy(() -> Endpoint.parse("h:0")).hasMessageContaining("out of range (expected 1-65535)");
        assertThatThrownBy(() -> Endpoint.parse(":80")).hasMessageContaining("no host");
    }

    @Test
    void durationsRoundTrip() {
        assertThat(Durations.parse("200ms")).isEqualTo(Duration.ofMillis(200));
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofSeconds(120))).isEqualTo("2m");
        assertThatThrownBy(() -> Durations.parse("1.5s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("-1s")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void didYouMeanOnlyGuessesNearMisses() {
        List<String> verbs = List.of("protect", "receive", "status", "failover");
        assertThat(DidYouMean.closest("recieve", verbs)).contains("receive");
        assertThat(DidYouMean.closest("stauts", verbs)).contains("status");
        assertThat(DidYouMean.closest("launch", verbs)).isEmpty();
        assertThat(DidYouMean.distance("ab", "ba")).isEqualTo(1);
    }
}
