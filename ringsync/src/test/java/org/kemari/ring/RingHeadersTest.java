package org.kemari.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kemari.ring.blk.Blkif;
import org.kemari.ring.net.NetTxBackend;
import org.kemari.ring.net.Netif;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.jna.AbiProbe;

/**
 * Every ring layout fact ringsync hard-codes, against what gcc made of the installed Xen I/O
 * headers (native/ring-probe.c). RingLayoutTest, BlkifLayoutTest and NetifLayoutTest check the
 * codecs against expectations copied from the same headers by hand; this is the independent
 * oracle for those copies. Checked both ways: an int constant of the ring classes that the probe
 * does not vouch for fails, and so does a probed fact no Java constant stands for.
 */
class RingHeadersTest {
    /** The classes whose int constants are Xen's ring facts. */
    private static final List<Class<?>> HOLDERS = List.of(SharedRing.class, Blkif.class, Netif.class, NetTxBackend.class);
    /** Int constants of those classes that no header defines, and why. */
    private static final Map<String, String> NOT_IN_HEADERS = Map.of(
            "Blkif.SECTOR_SIZE", "blkif.h has 512 only in prose, as the default of the xenstore key sector-size",
            "Blkif.SECTORS_PER_FRAME", "derived: the page size over SECTOR_SIZE");

    private static AbiProbe probe;

    private final Map<String, Long> structs = new LinkedHashMap<>();
    private final Map<String, Long> fields = new LinkedHashMap<>();
    private final Map<String, Long> consts = new LinkedHashMap<>();
    private final Set<String> used = new TreeSet<>();

    @BeforeAll
    static void loadProbe() {
        probe = AbiProbe.load("ring-probe", "ring layout checks");
    }

    @Test
    void ringLayoutsAndConstantsAreTheHeaders() throws ReflectiveOperationException {
        // DEFINE_RING_TYPES gives every ring type this header; the probe reads it from blkif's
        field("blkif_sring", "req_prod", SharedRing.class, "REQ_PROD", Integer.BYTES);
        field("blkif_sring", "req_event", SharedRing.class, "REQ_EVENT", Integer.BYTES);
        field("blkif_sring", "rsp_prod", SharedRing.class, "RSP_PROD", Integer.BYTES);
        field("blkif_sring", "rsp_event", SharedRing.class, "RSP_EVENT", Integer.BYTES);
        field("blkif_sring", "pvt", SharedRing.class, "PVT", 0);
        ring("blkif", Blkif.PROTOCOL);
        ring("netif_tx", Netif.TX);
        ring("netif_rx", Netif.RX);

        struct("blkif_request", Blkif.class, "REQUEST_SIZE");
        field("blkif_request", "operation", Blkif.class, "REQ_OPERATION", Byte.BYTES);
        field("blkif_request", "nr_segments", Blkif.class, "REQ_NR_SEGMENTS", Byte.BYTES);
        field("blkif_request", "handle", Blkif.class, "REQ_HANDLE", Short.BYTES);
        field("blkif_request", "id", Blkif.class, "REQ_ID", Long.BYTES);
        field("blkif_request", "sector_number", Blkif.class, "REQ_SECTOR_NUMBER", Long.BYTES);
        field("blkif_request", "seg", Blkif.class, "REQ_SEG", Blkif.MAX_SEGMENTS_PER_REQUEST * Blkif.SEGMENT_SIZE);
        struct("blkif_request_segment", Blkif.class, "SEGMENT_SIZE");
        field("blkif_request_segment", "gref", Blkif.class, "SEG_GREF", Integer.BYTES);
        field("blkif_request_segment", "first_sect", Blkif.class, "SEG_FIRST_SECT", Byte.BYTES);
        field("blkif_request_segment", "last_sect", Blkif.class, "SEG_LAST_SECT", Byte.BYTES);
        struct("blkif_response", Blkif.class, "RESPONSE_SIZE");
        field("blkif_response", "id", Blkif.class, "RSP_ID", Long.BYTES);
        field("blkif_response", "operation", Blkif.class, "RSP_OPERATION", Byte.BYTES);
        field("blkif_response", "status", Blkif.class, "RSP_STATUS", Short.BYTES);
        for (String op : List.of("READ", "WRITE", "WRITE_BARRIER", "FLUSH_DISKCACHE", "RESERVED_1", "DISCARD", "INDIRECT")) {
            constant("BLKIF_OP_" + op, Blkif.class, "OP_" + op);
        }
        for (String rsp : List.of("EOPNOTSUPP", "ERROR", "OKAY")) {
            constant("BLKIF_RSP_" + rsp, Blkif.class, "RSP_" + rsp);
        }
        constant("BLKIF_MAX_SEGMENTS_PER_REQUEST", Blkif.class, "MAX_SEGMENTS_PER_REQUEST");

        struct("netif_tx_request", Netif.class, "TX_REQUEST_SIZE");
        field("netif_tx_request", "gref", Netif.class, "TX_GREF", Integer.BYTES);
        field("netif_tx_request", "offset", Netif.class, "TX_OFFSET", Short.BYTES);
        field("netif_tx_request", "flags", Netif.class, "TX_FLAGS", Short.BYTES);
        field("netif_tx_request", "id", Netif.class, "TX_ID", Short.BYTES);
        field("netif_tx_request", "size", Netif.class, "TX_SIZE", Short.BYTES);
        struct("netif_tx_response", Netif.class, "TX_RESPONSE_SIZE");
        field("netif_tx_response", "id", Netif.class, "TX_RSP_ID", Short.BYTES);
        field("netif_tx_response", "status", Netif.class, "TX_RSP_STATUS", Short.BYTES);
        struct("netif_rx_request", Netif.class, "RX_REQUEST_SIZE");
        field("netif_rx_request", "id", Netif.class, "RX_ID", Short.BYTES);
        field("netif_rx_request", "gref", Netif.class, "RX_GREF", Integer.BYTES);
        struct("netif_rx_response", Netif.class, "RX_RESPONSE_SIZE");
        field("netif_rx_response", "id", Netif.class, "RX_RSP_ID", Short.BYTES);
        field("netif_rx_response", "offset", Netif.class, "RX_RSP_OFFSET", Short.BYTES);
        field("netif_rx_response", "flags", Netif.class, "RX_RSP_FLAGS", Short.BYTES);
        field("netif_rx_response", "status", Netif.class, "RX_RSP_STATUS", Short.BYTES);
        for (String f : List.of("CSUM_BLANK", "DATA_VALIDATED", "MORE_DATA", "EXTRA_INFO")) {
            constant("NETTXF_" + f.toLowerCase(), Netif.class, "TXF_" + f);
        }
        for (String f : List.of("DATA_VALIDATED", "CSUM_BLANK", "MORE_DATA", "EXTRA_INFO", "GSO_PREFIX")) {
            constant("NETRXF_" + f.toLowerCase(), Netif.class, "RXF_" + f);
        }
        for (String rsp : List.of("DROPPED", "ERROR", "OKAY", "NULL")) {
            constant("NETIF_RSP_" + rsp, Netif.class, "RSP_" + rsp);
        }
        constant("XEN_NETIF_NR_SLOTS_MIN", NetTxBackend.class, "MAX_SLOTS_PER_PACKET");

        List<String> drift = new ArrayList<>();
        compare(drift, "sizeof", structs, name -> probe.structs().containsKey(name) ? probe.structs().get(name)[0] : null,
                probe.structs().keySet());
        compare(drift, "offsetof", fields, probe.fields()::get,
                probe.fields().keySet().stream().filter(k -> !k.endsWith(" size")).toList());
        compare(drift, "const", consts, probe.consts()::get, probe.consts().keySet());
        for (Class<?> holder : HOLDERS) {
            for (Field f : holder.getDeclaredFields()) {
                String name = holder.getSimpleName() + "." + f.getName();
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && !used.contains(name)
                        && !NOT_IN_HEADERS.containsKey(name)) {
                    drift.add(name + " is not checked against the headers");
                }
            }
        }
        assertThat(drift).as("ringsync's drift from Xen's io/ring.h, io/blkif.h, io/netif.h").isEmpty();
        assertThat(used).as("constants compared").hasSizeGreaterThan(60);
    }

    /** Where the slots start, how big one is, and how many fit a page, for ring type {@code name}. */
    private void ring(String name, RingProtocol<?, ?> protocol) throws ReflectiveOperationException {
        fields.put(name + "_sring.ring", constant(SharedRing.class, "HEADER_SIZE"));
        fields.put(name + "_sring.ring size", (long) protocol.slotSize());
        structs.put(name + "_sring_entry", (long) protocol.slotSize());
        consts.put("__CONST_RING_SIZE(" + name + "," + ForeignMapping.PAGE_SIZE + ")", (long) protocol.slots(ForeignMapping.PAGE_SIZE));
    }

    private void struct(String cName, Class<?> holder, String size) throws ReflectiveOperationException {
        structs.put(cName, constant(holder, size));
    }

    /** @param width bytes the Java codec reads and writes there; 0 where it does not access the field */
    private void field(String cStruct, String cField, Class<?> holder, String offset, int width)
            throws ReflectiveOperationException {
        fields.put(cStruct + "." + cField, constant(holder, offset));
        if (width > 0) {
            fields.put(cStruct + "." + cField + " size", (long) width);
        }
    }

    private void constant(String cName, Class<?> holder, String name) throws ReflectiveOperationException {
        consts.put(cName, constant(holder, name));
    }

    private long constant(Class<?> holder, String name) throws ReflectiveOperationException {
        Field f = holder.getDeclaredField(name);
        f.setAccessible(true);
        used.add(holder.getSimpleName() + "." + name);
        return f.getInt(null);
    }

    private static void compare(List<String> drift, String what, Map<String, Long> java,
                                Function<String, Long> header, Collection<String> probed) {
        java.forEach((name, value) -> {
            Long c = header.apply(name);
            if (c == null) {
                drift.add(what + " " + name + " is not in the probe");
            } else if (c.longValue() != value) {
                drift.add(what + " " + name + ": header " + c + ", ringsync " + value);
            }
        });
        for (String name : probed) {
            if (!java.containsKey(name)) {
                drift.add(what + " " + name + " (probe) has no ringsync counterpart");
            }
        }
    }
}
