package org.kemari.tap;

/**
 * What a ring request does to the world outside the VM. Only output makes guest state visible,
 * so only output is held until the state that issued it is safe on the secondary.
 */
public enum RequestKind {
    /** Block write, flush or barrier: durable output. */
    BLOCK_OUTPUT(DeviceClass.BLOCK, true),
    /** Block read or anything that changes nothing outside. */
    BLOCK_INPUT(DeviceClass.BLOCK, false),
    /** A packet the guest sends. */
    NET_OUTPUT(DeviceClass.NET, true),
    /** A receive buffer the guest posts. */
    NET_INPUT(DeviceClass.NET, false);

    private final DeviceClass device;
    private final boolean output;

    RequestKind(DeviceClass device, boolean output) {
        this.device = device;
        this.output = output;
    }

    public DeviceClass device() {
        return device;
    }

    public boolean isOutput() {
        return output;
    }

    /** The device classes whose output the tap holds (`--tap block,net`). */
    public enum DeviceClass { BLOCK, NET }
}
