package org.kemari.xen.jna;

import java.nio.file.Files;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.condition.EnabledIf;
import org.kemari.xen.tck.ContextTck;
import org.kemari.xen.tck.DomainControlTck;
import org.kemari.xen.tck.EventChannelTck;
import org.kemari.xen.tck.ForeignMemoryTck;
import org.kemari.xen.tck.GrantTableTck;
import org.kemari.xen.tck.LogDirtyTck;
import org.kemari.xen.tck.TckTarget;
import org.kemari.xen.tck.XenStoreTck;

/**
 * The hypervisor TCK on the real Xen backend. Runs only in a dom0 (the testbed); the guests
 * it needs are described in {@link XenTckTarget} (system properties {@code kemari.tck.xen.*}).
 */
@EnabledIf("org.kemari.xen.jna.XenTckTest#dom0")
class XenTckTest {
    private static final TckTarget TARGET = new XenTckTarget();

    static boolean dom0() {
        return Files.exists(XenProvider.PRIVCMD);
    }

    @Nested
    class DomainControl extends DomainControlTck {
        @Override
        protected TckTarget target() {
            return TARGET;
        }
    }

    @Nested
    class LogDirty extends LogDirtyTck {
        @Override
        protected TckTarget target() {
            return TARGET;
        }
    }

    @Nested
    class ForeignMemory extends ForeignMemoryTck {
        @Override
        protected TckTarget target() {
            return TARGET;
        }
    }

    @Nested
    class Context extends ContextTck {
        @Override
        protected TckTarget target() {
            return TARGET;
        }
    }

    @Nested
    class EventChannel extends EventChannelTck {
        @Override
        protected TckTarget target() {
            return TARGET;
        }
    }

    @Nested
    class GrantTable extends GrantTableTck {
        @Override
        protected TckTarget target() {
            return TARGET;
        }
    }

    @Nested
    class XenStore extends XenStoreTck {
        @Override
        protected TckTarget target() {
            return TARGET;
        }
    }
}
