package org.kemari.xen.jna.bind;

import com.sun.jna.Structure;

/** xc_shadow_op_stats_t (struct xen_domctl_shadow_op_stats), filled by xc_logdirty_control. */
@Structure.FieldOrder({"fault_count", "dirty_count"})
public class XcShadowOpStats extends AbiStructure {
    public int fault_count;
    public int dirty_count;

    @Override
    public String cName() {
        return "xc_shadow_op_stats_t";
    }
}
