package org.kemari.ring;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.kemari.xen.Errno;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantTables;
import org.kemari.xen.XenException;

/** A guest's granted frames as plain buffers, with a count of mappings still open. */
public final class FakeGrants implements GrantTables {
    private final List<ByteBuffer> frames = new ArrayList<>();
    private int openMappings;

    /** Grants a fresh zeroed frame; returns its reference. */
    public int grant() {
        frames.add(ByteBuffer.allocateDirect(ForeignMapping.PAGE_SIZE));
        return frames.size() - 1;
    }

    /** Grants a fresh frame with every byte {@code fill}; returns its reference. */
    public int grantFilled(int fill) {
        int ref = grant();
        ByteBuffer frame = frames.get(ref);
        for (int i = 0; i < frame.capacity(); i++) {
            frame.put(i, (byte) fill);
        }
        return ref;
    }

    /** The guest's own view of a granted frame. */
    public ByteBuffer frame(int ref) {
        return frames.get(ref).duplicate();
    }

    public int openMappings() {
        return openMappings;
    }

    @Override
    public ForeignMapping mapGrant(int domid, int ref, boolean writable) {
        if (ref < 0 || ref >= frames.size()) {
            throw new XenException("xengnttab_map_grant_ref", domid, Errno.EINVAL, "no grant " + ref);
        }
        ByteBuffer view = writable ? frames.get(ref).duplicate() : frames.get(ref).asReadOnlyBuffer();
        openMappings++;
        return new ForeignMapping() {
            @Override
            public int domid() {
                return domid;
            }

            @Override
            public int count() {
                return 1;
            }

            @Override
            public long pfn(int index) {
                return ref;
            }

            @Override
            public int error(int index) {
                return 0;
            }

            @Override
            public ByteBuffer page(int index) {
                return view;
            }

            @Override
            public void close() {
                openMappings--;
            }
        };
    }

    @Override
    public byte[] snapshot(int domid) {
        throw new UnsupportedOperationException("ring tests map grants only");
    }

    @Override
    public void restore(int domid, byte[] snapshot) {
        throw new UnsupportedOperationException("ring tests map grants only");
    }

    @Override
    public void close() {
    }
}
