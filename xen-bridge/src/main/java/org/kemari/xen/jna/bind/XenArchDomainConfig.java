package org.kemari.xen.jna.bind;

import com.sun.jna.Structure;

/** struct xen_arch_domainconfig (public/arch-x86/xen.h), nested in xc_domaininfo_t. */
@Structure.FieldOrder({"emulation_flags", "misc_flags"})
public class XenArchDomainConfig extends AbiStructure {
    public int emulation_flags;
    public int misc_flags;

    @Override
    public String cName() {
        return "xen_arch_domainconfig";
    }
}
