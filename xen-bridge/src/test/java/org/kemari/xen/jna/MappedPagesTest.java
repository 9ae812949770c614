package org.kemari.xen.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.List;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import org.junit.jupiter.api.Test;
import org.kemari.xen.Errno;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.XenException;
import org.kemari.xen.jna.bind.LibC;

/** Pages over plain native memory standing in for a mapping: views, errors, unmap once. */
class MappedPagesTest {
    private final Memory mem = new Memory(3L * ForeignMapping.PAGE_SIZE);
    private final List<String> unmapped = new ArrayList<>();
    private final LastError errors = new LastError(com.sun.jna.Native.load(LibC.SONAME, LibC.class));

    private MappedPages pages(boolean writable, int unmapResult) {
        return new MappedPages("xenforeignmemory_map", "xenforeignmemory_unmap", (b, n) -> {
            unmapped.add(Pointer.nativeValue(b) + "x" + n);
            return unmapResult;
        }, errors, 7, new long[] {0x1000, 0xfeff0, 0x1002}, new int[] {0, Errno.ENOENT, 0}, mem, writable);
    }

    @Test
    void pagesViewTheMappingDirectly() {
        mem.setByte(2L * ForeignMapping.PAGE_SIZE + 5, (byte) 42);
        try (MappedPages p = pages(true, 0)) {
            ByteBuffer third = p.page(2);
            assertThat(third.isDirect()).isTrue();
            assertThat(third.capacity()).isEqualTo(ForeignMapping.PAGE_SIZE);
            assertThat(third.get(5)).isEqualTo((byte) 42);
            third.put(6, (byte) 9);
            assertThat(mem.getByte(2L * ForeignMapping.PAGE_SIZE + 6)).isEqualTo((byte) 9);
            assertThat(p.count()).isEqualTo(3);
            assertThat(p.pfn(1)).isEqualTo(0xfeff0);
            assertThat(p.domid()).isEqualTo(7);
        }
    }

    @Test
    void readOnlyMappingsGiveReadOnlyPages() {
        try (MappedPages p = pages(false, 0)) {
            assertThatThrownBy(() -> p.page(0).put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        }
    }

    @Test
    void anUnmappedFrameCarriesItsErrno() {
        try (MappedPages p = pages(true, 0)) {
            assertThat(p.error(1)).isEqualTo(Errno.ENOENT);
            assertThat(p.error(0)).isZero();
            assertThatThrownBy(() -> p.page(1)).isInstanceOf(XenException.class)
                    .hasMessage("xenforeignmemory_map(dom 7): frame 1044464 (index 1) is not mapped (errno 2 ENOENT)");
        }
    }

    @Test
    void closeUnmapsOnceAndPagesAreGoneAfter() {
        MappedPages p = pages(true, 0);
        p.close();
        p.close();
        assertThat(unmapped).containsExactly(Pointer.nativeValue(mem) + "x3");
        assertThatThrownBy(() -> p.page(0)).isInstanceOf(XenException.class).hasMessageContaining("closed");
    }

    @Test
    void aFailedUnmapIsReportedByName() {
        MappedPages p = pages(true, -1);
        assertThatThrownBy(p::close).isInstanceOf(XenException.class)
                .hasMessageStartingWith("xenforeignmemory_unmap(dom 7): ");
    }
}
