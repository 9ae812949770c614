package org.kemari.xen.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kemari.xen.XenStore;

/** Xenstore reads, writes, listings, removal and watches, in a private subtree. */
public abstract class XenStoreTck extends TckBase {
    private static final Duration EVENT = Duration.ofSeconds(5);

    private XenStore xs;
    private String root;

    @BeforeEach
    void connect() {
        xs = hv.openXenStore();
        root = "/tool/" + uniqueName("xs");
    }

    @AfterEach
    void disconnect() {
        try {
            xs.remove(root);
        } finally {
            xs.close();
        }
    }

    @Test
    void writtenValuesReadBackAndList() {
        xs.write(root + "/a", "1");
        xs.write(root + "/b/c", "deep");
        assertThat(xs.read(root + "/a")).hasValue("1");
        assertThat(xs.read(root + "/b/c")).hasValue("deep");
        assertThat(xs.list(root)).containsExactlyInAnyOrder("a", "b");
        assertThat(xs.read(root + "/missing")).isEmpty();
        assertThat(xs.list(root + "/missing")).isEmpty();
    }

    @Test
    void removeTakesTheSubtree() {
        xs.write(root + "/x/y", "1");
        xs.remove(root + "/x");
        assertThat(xs.read(root + "/x/y")).isEmpty();
        assertThat(xs.read(root + "/x")).isEmpty();
        assertThat(xs.list(root)).isEmpty();
    }

    @Test
    void aWatchFiresOnRegistrationAndOnChangesBelowIt() {
        xs.write(root + "/w", "0");
        xs.watch(root + "/w", "tok");
        assertThat(xs.readWatch(EVENT)).hasValue(new XenStore.WatchEvent(root + "/w", "tok"));
        xs.write(root + "/w/child", "1");
        assertThat(xs.readWatch(EVENT)).hasValue(new XenStore.WatchEvent(root + "/w/child", "tok"));
        xs.write(root + "/elsewhere", "1");
        assertThat(xs.readWatch(Duration.ofMillis(100))).as("event for a node outside the watch").isEmpty();
        xs.unwatch(root + "/w", "tok");
        xs.write(root + "/w", "2");
        assertThat(xs.readWatch(Duration.ofMillis(100))).as("event after unwatch").isEmpty();
    }

    @Test
    void domainsHaveTheirNameInXenstore() {
        int domid = startGuest("name");
        assertThat(xs.read("/local/domain/" + domid + "/name")).hasValue(hv.domain(domid).name());
    }
}
