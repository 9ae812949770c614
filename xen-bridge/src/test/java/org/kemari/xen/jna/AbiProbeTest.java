package org.kemari.xen.jna;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeSet;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import com.sun.jna.Structure;
import com.sun.jna.ptr.ByReference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kemari.xen.jna.bind.AbiStructure;

/**
 * Every structure layout, constant and function signature in org.kemari.xen.jna.bind against
 * what gcc made of the installed Xen 4.17 headers. Each check also runs the other way, so a
 * binding the probe does not cover, or a probe fact no binding uses, fails too.
 */
class AbiProbeTest {
    private static AbiProbe probe;

    @BeforeAll
    static void loadProbe() {
        probe = AbiProbe.load("abi-probe", "Xen ABI checks");
    }

    @Test
    void structuresHaveTheHeadersSizeAlignmentAndFieldOffsets() {
        List<String> drift = new ArrayList<>();
        Map<String, Long> javaFields = new LinkedHashMap<>();
        for (AbiStructure s : Bindings.structures()) {
            long[] c = probe.structs().get(s.cName());
            if (c == null) {
                drift.add("struct " + s.cName() + " is not in the probe");
                continue;
            }
            check(drift, "sizeof(" + s.cName() + ")", s.size(), c[0]);
            check(drift, "alignof(" + s.cName() + ")", s.alignment(), c[1]);
            for (String f : s.fieldNames()) {
                javaFields.put(s.cName() + "." + f, (long) s.offsetOf(f));
                javaFields.put(s.cName() + "." + f + " size", (long) s.sizeOf(f));
            }
        }
        for (var e : javaFields.entrySet()) {
            Long c = probe.fields().get(e.getKey());
            if (c == null) {
                drift.add("field " + e.getKey() + " is not in the probe");
            } else {
                check(drift, e.getKey().endsWith(" size") ? e.getKey() : "offsetof(" + e.getKey() + ")", e.getValue(), c);
            }
        }
        for (String f : probe.fields().keySet()) {
            if (!javaFields.containsKey(f)) {
                drift.add("field " + f + " (probe) is not mapped by the Java structure");
            }
        }
        assertThat(drift).as("structure drift from the Xen headers").isEmpty();
        assertThat(javaFields).isNotEmpty();
    }

    @Test
    void constantsHaveTheHeadersValues() throws IllegalAccessException {
        List<String> drift = new ArrayList<>();
        TreeSet<String> seen = new TreeSet<>();
        for (Class<?> lib : Bindings.LIBRARIES) {
            for (Field f : lib.getFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || f.getType() != int.class && f.getType() != long.class) {
                    continue;
                }
                seen.add(f.getName());
                Long c = probe.consts().get(f.getName());
                if (c == null) {
                    drift.add(lib.getSimpleName() + "." + f.getName() + " is not checked by the probe");
                } else {
                    check(drift, lib.getSimpleName() + "." + f.getName(), ((Number) f.get(null)).longValue(), c);
                }
            }
        }
        for (String c : probe.consts().keySet()) {
            if (!seen.contains(c)) {
                drift.add("const " + c + " (probe) has no Java constant");
            }
        }
        assertThat(drift).as("constant drift from the Xen headers").isEmpty();
        assertThat(seen).contains("XEN_DOMCTL_SHADOW_OP_CLEAN", "SIZEOF_VCPU_GUEST_CONTEXT_ANY");
        assertThat(org.kemari.xen.VcpuContext.VM_ASSIST_OFFSET).as("VcpuContext's copy of the probed offset")
                .isEqualTo(org.kemari.xen.jna.bind.XenCtrl.OFFSETOF_VCPU_GUEST_CONTEXT_VM_ASSIST);
        assertThat(new int[] {org.kemari.xen.HvmContext.TYPE_CPU, org.kemari.xen.HvmContext.TYPE_PMTIMER,
                org.kemari.xen.HvmContext.TYPE_MTRR, org.kemari.xen.HvmContext.TYPE_CPU_XSAVE,
                org.kemari.xen.HvmContext.CPU_TSC, org.kemari.xen.HvmContext.HEADER_GTSC_KHZ})
                .as("HvmContext's copies of the probed record codes and offsets")
                .containsExactly(org.kemari.xen.jna.bind.XenCtrl.HVM_SAVE_CODE_CPU,
                        org.kemari.xen.jna.bind.XenCtrl.HVM_SAVE_CODE_PMTIMER,
                        org.kemari.xen.jna.bind.XenCtrl.HVM_SAVE_CODE_MTRR,
                        org.kemari.xen.jna.bind.XenCtrl.HVM_SAVE_CODE_CPU_XSAVE,
                        org.kemari.xen.jna.bind.XenCtrl.OFFSETOF_HVM_HW_CPU_TSC,
                        org.kemari.xen.jna.bind.XenCtrl.OFFSETOF_HVM_SAVE_HEADER_GTSC_KHZ);
    }

    @Test
    void functionsHaveTheHeadersSignatures() {
        List<String> drift = new ArrayList<>();
        TreeSet<String> seen = new TreeSet<>();
        for (Class<?> lib : Bindings.LIBRARIES) {
            for (Method m : lib.getDeclaredMethods()) {
                seen.add(m.getName());
                String c = probe.funcs().get(m.getName());
                String java = signature(m);
                if (c == null) {
                    drift.add(lib.getSimpleName() + "." + m.getName() + " is not checked by the probe");
                } else if (!c.equals(java)) {
                    drift.add(m.getName() + ": header " + c + ", binding " + java);
                }
            }
        }
        for (String f : probe.funcs().keySet()) {
            if (!seen.contains(f)) {
                drift.add("func " + f + " (probe) is not bound");
            }
        }
        assertThat(drift).as("signature drift from the Xen headers").isEmpty();
        assertThat(seen).contains("xc_logdirty_control", "xenforeignmemory_map_resource", "xs_check_watch");
    }

    @Test
    void probeOutputParses() {
        AbiProbe p = AbiProbe.parse(List.of("struct s size 8 align 4", "field s.a 4 size 2", "const X -1",
                "func f i32(ptr,i64)"));
        assertThat(p.structs().get("s")).containsExactly(8, 4);
        assertThat(p.fields()).containsEntry("s.a", 4L).containsEntry("s.a size", 2L);
        assertThat(p.consts()).containsEntry("X", -1L);
        assertThat(p.funcs()).containsEntry("f", "i32(ptr,i64)");
    }

    @Test
    void javaTypesMapToTheKindsTheProbePrints() throws NoSuchMethodException {
        assertThat(signature(Kinds.class.getDeclaredMethod("all", byte.class, short.class, int.class, long.class,
                Pointer.class, String.class, long[].class, PointerType.class, Structure.class, ByReference.class)))
                .isEqualTo("void(i8,i16,i32,i64,ptr,ptr,ptr,ptr,ptr,ptr)");
    }

    /** The probe's notation for a binding method: how JNA passes each Java type on x86_64. */
    static String signature(Method m) {
        StringJoiner params = new StringJoiner(",", "(", ")");
        for (Class<?> p : m.getParameterTypes()) {
            params.add(kind(p, m));
        }
        return (m.getReturnType() == void.class ? "void" : kind(m.getReturnType(), m)) + params;
    }

    private static String kind(Class<?> t, Method m) {
        if (t == byte.class) {
            return "i8";
        }
        if (t == short.class) {
            return "i16";
        }
        if (t == int.class) {
            return "i32";
        }
        if (t == long.class || t == NativeLong.class) {
            return "i64";
        }
        if (t.isArray() || t == String.class || Pointer.class.isAssignableFrom(t) || PointerType.class.isAssignableFrom(t)
                || Structure.class.isAssignableFrom(t) || ByReference.class.isAssignableFrom(t)) {
            return "ptr";
        }
        // boolean, char, float... have no single C meaning here (JNA's boolean is a 32-bit int).
        throw new AssertionError(m.getName() + " uses " + t.getSimpleName() + ", which the ABI check cannot vouch for");
    }

    private static void check(List<String> drift, String what, long java, long c) {
        if (java != c) {
            drift.add(what + ": header " + c + ", binding " + java);
        }
    }

    private interface Kinds {
        void all(byte a, short b, int c, long d, Pointer e, String f, long[] g, PointerType h, Structure i,
                 ByReference j);
    }
}
