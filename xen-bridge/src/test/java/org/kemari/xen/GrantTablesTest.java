package org.kemari.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class GrantTablesTest {

    @Test
    void entriesDecodeGrantEntryV1() {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(8 * 9, (short) (GrantEntry.GTF_PERMIT_ACCESS | GrantEntry.GTF_READONLY));
        b.putShort(8 * 9 + 2, (short) 7);
        b.putInt(8 * 9 + 4, 0xfedcba98);
        GrantEntry e = GrantTables.entry(b.array(), 9);
        assertThat(e.ref()).isEqualTo(9);
        assertThat(e.inUse()).isTrue();
        assertThat(e.readOnly()).isTrue();
        assertThat(e.domid()).isEqualTo(7);
        assertThat(e.frame()).isEqualTo(0xfedcba98L);
        assertThat(GrantTables.entry(b.array(), 10).inUse()).isFalse();
    }

    @Test
    void refsOutsideTheSnapshotAreRejected() {
        byte[] table = new byte[4096];
        assertThatThrownBy(() -> GrantTables.entry(table, 512)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("512 entries");
        assertThatThrownBy(() -> GrantTables.entry(table, -1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
