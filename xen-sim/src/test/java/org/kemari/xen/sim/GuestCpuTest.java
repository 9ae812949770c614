package org.kemari.xen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class GuestCpuTest {

    private static GuestCpu distinct() {
        GuestCpu c = new GuestCpu();
        c.rax = 1;
        c.rbx = 2;
        c.rcx = 3;
        c.rdx = 4;
        c.rsi = 5;
        c.rdi = 6;
        c.rbp = 7;
        c.rsp = 8;
        for (int i = 0; i < 8; i++) {
            c.r[i] = 100 + i;
        }
        c.rip = 9;
        c.rflags = 10;
        c.cr0 = 11;
        c.cr2 = 12;
        c.cr3 = 13;
        c.cr4 = 14;
        c.efer = 15;
        c.online = true;
        return c;
    }

    @Test
    void everyRegisterSurvivesBothLayouts() {
        GuestCpu original = distinct();
        ByteBuffer hvm = ByteBuffer.allocate(GuestCpu.HVM_CPU_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        original.writeHvmCpu(hvm);
        GuestCpu viaHvm = new GuestCpu();
        viaHvm.loadHvmCpu(hvm.array());
        assertThat(viaHvm).usingRecursiveComparison().isEqualTo(original);

        GuestCpu viaVcpu = new GuestCpu();
        viaVcpu.efer = 15; // vcpu_guest_context has no EFER: the loaded vcpu keeps its own
        viaVcpu.loadVcpuContext(original.toVcpuContext());
        assertThat(viaVcpu).usingRecursiveComparison().isEqualTo(original);
    }

    @Test
    void registersLandAtXensOffsets() {
        ByteBuffer vgc = ByteBuffer.wrap(distinct().toVcpuContext()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(vgc.getLong(520)).as("user_regs.r15").isEqualTo(107);
        assertThat(vgc.getLong(520 + 72)).as("user_regs.r8").isEqualTo(100);
        assertThat(vgc.getLong(520 + 152)).as("user_regs.rsp").isEqualTo(8);
        assertThat(vgc.getLong(4984 + 24)).as("ctrlreg[3]").isEqualTo(13);
        ByteBuffer hvm = ByteBuffer.allocate(GuestCpu.HVM_CPU_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        distinct().writeHvmCpu(hvm);
        assertThat(hvm.getLong(568)).as("hvm_hw_cpu.rsp").isEqualTo(8);
        assertThat(hvm.getLong(632)).as("hvm_hw_cpu.r15").isEqualTo(107);
        assertThat(hvm.getLong(680)).as("hvm_hw_cpu.cr4").isEqualTo(14);
        assertThat(hvm.getLong(992)).as("hvm_hw_cpu.msr_efer").isEqualTo(15);
    }
}
