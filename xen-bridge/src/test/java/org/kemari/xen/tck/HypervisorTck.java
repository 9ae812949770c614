package org.kemari.xen.tck;

import org.junit.jupiter.api.Nested;

/**
 * The whole TCK for one backend: a backend's test class extends this and names its target;
 * JUnit runs every suite below against it. The suites are declared once, here.
 */
public abstract class HypervisorTck {

    /** The backend under test. */
    protected abstract TckTarget tckTarget();

    @Nested
    class DomainControl extends DomainControlTck {
        @Override
        protected TckTarget target() {
            return tckTarget();
        }
    }

    @Nested
    class LogDirty extends LogDirtyTck {
        @Override
        protected TckTarget target() {
            return tckTarget();
        }
    }

    @Nested
    class ForeignMemory extends ForeignMemoryTck {
        @Override
        protected TckTarget target() {
            return tckTarget();
        }
    }

    @Nested
    class Contexts extends ContextTck {
        @Override
        protected TckTarget target() {
            return tckTarget();
        }
    }

    @Nested
    class EventChannels extends EventChannelTck {
        @Override
        protected TckTarget target() {
            return tckTarget();
        }
    }

    @Nested
    class GrantTables extends GrantTableTck {
        @Override
        protected TckTarget target() {
            return tckTarget();
        }
    }

    @Nested
    class XenStore extends XenStoreTck {
        @Override
        protected TckTarget target() {
            return tckTarget();
        }
    }
}
