package org.kemari.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class HvmContextTest {

    private static byte[] blob(boolean terminated, int claimedCpuLength) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) HvmContext.TYPE_HEADER).putShort((short) 0).putInt(24);
        b.putInt(HvmContext.FILE_MAGIC).putInt(HvmContext.FILE_VERSION).putLong(0).putInt(0).putInt(0);
        b.putShort((short) HvmContext.TYPE_CPU).putShort((short) 3).putInt(claimedCpuLength);
        b.putLong(0x1122334455667788L);
        if (terminated) {
            b.putShort((short) HvmContext.TYPE_END).putShort((short) 0).putInt(0);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    @Test
    void recordsAreParsedInOrder() {
        var records = new HvmContext(blob(true, 8)).records();
        assertThat(records).extracting(HvmContext.Record::type)
                .containsExactly(HvmContext.TYPE_HEADER, HvmContext.TYPE_CPU, HvmContext.TYPE_END);
        assertThat(records.get(1).instance()).isEqualTo(3);
        assertThat(ByteBuffer.wrap(records.get(1).data()).order(ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(0x1122334455667788L);
    }

    @Test
    void malformedBlobsAreRejected() {
        assertThatThrownBy(() -> new HvmContext(blob(false, 8)).records()).hasMessageContaining("no END");
        assertThatThrownBy(() -> new HvmContext(blob(true, 4096)).records()).hasMessageContaining("claims 4096");
    }

    @Test
    void equalityIsByContentAndTheBlobIsCopied() {
        byte[] raw = blob(true, 8);
        HvmContext a = new HvmContext(raw);
        raw[0] ^= 1;
        assertThat(a).isEqualTo(new HvmContext(blob(true, 8))).isNotEqualTo(new HvmContext(raw));
        assertThat(a.size()).isEqualTo(raw.length);
    }
}
