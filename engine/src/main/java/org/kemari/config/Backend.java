package org.kemari.config;

/** Which hypervisor backend to open; see {@code org.kemari.xen.Hypervisors#open}. */
public enum Backend implements Token {
    XEN("xen"), SIM("sim"), AUTO("auto");

    private final String token;

    Backend(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
