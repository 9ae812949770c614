package org.kemari.xen.jna.bind;

import com.sun.jna.Structure;

/**
 * xc_domaininfo_t, i.e. struct xen_domctl_getdomaininfo (public/domctl.h, interface version
 * 0x15), as xc_domain_getinfolist fills it. Unsigned C fields are read with the
 * Integer/Short.toUnsigned* helpers by the caller.
 */
@Structure.FieldOrder({"domain", "pad1", "flags", "tot_pages", "max_pages", "outstanding_pages",
        "shr_pages", "paged_pages", "shared_info_frame", "cpu_time", "nr_online_vcpus",
        "max_vcpu_id", "ssidref", "handle", "cpupool", "gpaddr_bits", "pad2", "arch_config"})
public class XcDomainInfo extends AbiStructure {
    public short domain;
    public short pad1;
    public int flags;
    public long tot_pages;
    public long max_pages;
    public long outstanding_pages;
    public long shr_pages;
    public long paged_pages;
    public long shared_info_frame;
    public long cpu_time;
    public int nr_online_vcpus;
    public int max_vcpu_id;
    public int ssidref;
    public byte[] handle = new byte[16];
    public int cpupool;
    public byte gpaddr_bits;
    public byte[] pad2 = new byte[7];
    public XenArchDomainConfig arch_config;

    @Override
    public String cName() {
        return "xc_domaininfo_t";
    }
}
