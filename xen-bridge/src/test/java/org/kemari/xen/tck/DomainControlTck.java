package org.kemari.xen.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.DomainState;
import org.kemari.xen.Errno;
import org.kemari.xen.XenException;

/** Listing, lookup, pause semantics and the errors of domain control. */
public abstract class DomainControlTck extends TckBase {

    @Test
    void dom0IsListedAsDomainZero() {
        assertThat(hv.domains()).extracting(DomainInfo::domid).contains(0);
        assertThat(hv.domain(0).domid()).isZero();
    }

    @Test
    void guestIsListedAndFoundByNameAndId() {
        int domid = startGuest("list");
        DomainInfo info = hv.domain(domid);
        assertThat(hv.domains()).extracting(DomainInfo::domid).contains(domid);
        assertThat(hv.lookup(info.name()).domid()).isEqualTo(domid);
        assertThat(hv.lookup(Integer.toString(domid)).domid()).isEqualTo(domid);
        assertThat(info.state()).isIn(DomainState.RUNNING, DomainState.BLOCKED);
        assertThat(info.maxGpfn()).isGreaterThanOrEqualTo(layout().workingSetFirstPfn() + layout().workingSetPages() - 1);
    }

    @Test
    void pauseStopsProgressAndUnpauseResumesIt() {
        int domid = startGuest("pause");
        long before = counter(domid);
        awaitCounter(domid, c -> c > before, "the guest to run");
        hv.pause(domid);
        assertThat(hv.domain(domid).state()).isEqualTo(DomainState.PAUSED);
        long paused = counter(domid);
        sleep(target().quietPeriod().toMillis());
        assertThat(counter(domid)).as("counter of a paused guest").isEqualTo(paused);
        hv.unpause(domid);
        awaitCounter(domid, c -> c > paused, "progress after unpause");
        assertThat(hv.domain(domid).state()).isNotEqualTo(DomainState.PAUSED);
    }

    @Test
    void pausesNestAndUnpausingARunningDomainIsEinval() {
        int domid = startGuest("nest");
        hv.pause(domid);
        hv.pause(domid);
        hv.unpause(domid);
        long held = counter(domid);
        sleep(target().quietPeriod().toMillis());
        assertThat(hv.domain(domid).state()).as("state after 2 pauses, 1 unpause").isEqualTo(DomainState.PAUSED);
        assertThat(counter(domid)).as("counter after 2 pauses, 1 unpause").isEqualTo(held);
        hv.unpause(domid);
        awaitCounter(domid, c -> c > held, "progress once every pause is undone");
        XenException e = catchThrowableOfType(XenException.class, () -> hv.unpause(domid));
        assertThat(e).as("unpause of a running domain").isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.operation()).contains("unpause");
        assertThat(e.domid()).isEqualTo(domid);
    }

    @Test
    void unknownDomainIsEsrchNamingTheOperation() {
        int missing = hv.domains().stream().mapToInt(DomainInfo::domid).max().orElse(0) + 1000;
        XenException info = catchThrowableOfType(XenException.class, () -> hv.domain(missing));
        assertThat(info).isNotNull();
        assertThat(info.errno()).isEqualTo(Errno.ESRCH);
        XenException pause = catchThrowableOfType(XenException.class, () -> hv.pause(missing));
        assertThat(pause).isNotNull();
        assertThat(pause.errno()).isEqualTo(Errno.ESRCH);
        assertThat(pause.operation()).isEqualTo("xc_domain_pause");
        assertThat(pause.getMessage()).contains("xc_domain_pause").contains(Integer.toString(missing));
        assertThatThrownBy(() -> hv.lookup(uniqueName("nobody")))
                .isInstanceOfSatisfying(XenException.class, x -> assertThat(x.errno()).isEqualTo(Errno.ESRCH));
    }

    /** A blank domain, not the workload guest: a target may lend one running guest to every case (the testbed's g1). */
    @Test
    void destroyedDomainIsGone() {
        int domid = blankLike(startGuest("destroy"));
        String name = hv.domain(domid).name();
        target().destroy(hv, domid);
        assertThatThrownBy(() -> hv.domain(domid))
                .isInstanceOfSatisfying(XenException.class, x -> assertThat(x.errno()).isEqualTo(Errno.ESRCH));
        assertThatThrownBy(() -> hv.lookup(name)).isInstanceOf(XenException.class);
    }
}
