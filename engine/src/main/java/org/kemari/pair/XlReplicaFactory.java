package org.kemari.pair;

import java.nio.file.Files;
import java.util.List;
import org.kemari.config.ReplicaDomain;
import org.kemari.ft.receive.ReplicaFactory;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Errno;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenException;

/**
 * The replica on real Xen: `xl create -p <replica.xl-config> name=<replica>` builds a paused
 * domain exactly as the toolstack builds any guest, kemari then overwrites its memory and
 * contexts; `xl destroy` removes it with its xenstore entries and backends. The domain xl built
 * must have the primary's shape, or the epochs could not be applied to it: checked here, so that
 * a wrong config file is named as such rather than failing on some page later.
 */
final class XlReplicaFactory implements ReplicaFactory {
    private final Hypervisor hv;
    private final ReplicaDomain replica;
    private final XlCommand xl;

    XlReplicaFactory(Hypervisor hv, ReplicaDomain replica, XlCommand xl) {
        this.hv = hv;
        this.replica = replica;
        this.xl = xl;
    }

    @Override
    public int create(DomainConfig shape) {
        String name = shape.name();
        if (!Files.isRegularFile(replica.xlConfig())) {
            throw new XenException("xl create", XenException.NO_DOMAIN, Errno.ENOENT,
                    "replica.xl-config " + replica.xlConfig() + " is not a file on this host");
        }
        if (hv.domains().stream().anyMatch(d -> d.name().equals(name))) {
            throw new XenException("xl create", XenException.NO_DOMAIN, Errno.EEXIST, "a domain named '" + name
                    + "' already exists (a replica left by an earlier receiver?); destroy it with `xl destroy " + name
                    + "` or choose another replica.name");
        }
        xl.run(List.of("create", "-p", "-q", replica.xlConfig().toString(), "name=\"" + name + "\""));
        DomainInfo made = hv.lookup(name);
        String mismatch = mismatch(shape, made);
        if (mismatch != null) {
            discard(made.domid());
            throw new XenException("xl create", made.domid(), Errno.EINVAL, "replica.xl-config " + replica.xlConfig()
                    + " builds " + mismatch + "; it must describe the protected guest's shape");
        }
        return made.domid();
    }

    @Override
    public void discard(int domid) {
        xl.run(List.of("destroy", Integer.toString(domid)));
    }

    /** What differs between the primary's shape and the domain xl made, or null. */
    private static String mismatch(DomainConfig want, DomainInfo made) {
        if (made.type() != want.type()) {
            return "a " + made.type() + " domain, the primary is " + want.type();
        }
        if (made.vcpus() != want.vcpus()) {
            return made.vcpus() + " vcpu(s), the primary has " + want.vcpus();
        }
        if (made.maxPages() < want.memoryPages()) {
            return "a domain of " + made.maxPages() + " pages, the primary may use " + want.memoryPages();
        }
        return null;
    }
}
