package org.kemari.dm;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The devices of a guest's device model, which its saved device state belongs to: a QEMU with
 * other devices cannot load that state, and finding that out at failover loses the guest. The
 * DEVICE_SET record (docs/ft-transaction.md §5.6) carries the primary's; the secondary compares
 * it with its replica's when the stream opens. Sorted lines, one per device, with nothing that
 * differs between two hosts for the same guest (file names, QEMU's internal ids).
 */
public record DeviceSet(List<String> lines) {
    static final int MAX_BYTES = 64 * 1024;
    private static final Pattern LINE = Pattern.compile(
            "pci [0-9a-f]{2}:[0-9a-f]{2}\\.[0-7] [0-9a-f]{4}:[0-9a-f]{4} class [0-9a-f]{4}"
                    + "|block [!-~]+ (removable|fixed ([0-9]+|empty))");

    public DeviceSet {
        lines = List.copyOf(lines);
    }

    /** From the return values of QMP {@code query-pci} and {@code query-block}; {@code where} names the QEMU. */
    static DeviceSet fromQmp(Object queryPci, Object queryBlock, String where) {
        TreeSet<String> lines = new TreeSet<>();
        for (Object bus : list(queryPci, where, "query-pci")) {
            pciDevices(map(bus, where, "query-pci").get("devices"), where, lines);
        }
        for (Object o : list(queryBlock, where, "query-block")) {
            Map<?, ?> b = map(o, where, "query-block");
            String name = b.get("device") instanceof String d && !d.isEmpty() ? d : text(b.get("qdev"), where, "query-block qdev");
            if (!name.matches("[!-~]+")) {
                throw new QmpException(where + ": query-block: block device name '" + name + "' is not printable ASCII without spaces");
            }
            if (Boolean.TRUE.equals(b.get("removable"))) {
                lines.add("block " + name + " removable");
            } else if (b.get("inserted") instanceof Map<?, ?> inserted && inserted.get("image") instanceof Map<?, ?> image) {
                lines.add("block " + name + " fixed " + number(image.get("virtual-size"), where, "query-block virtual-size"));
            } else {
                lines.add("block " + name + " fixed empty");
            }
        }
        return new DeviceSet(new ArrayList<>(lines));
    }

    /**
     * The devices of the root bus. Those behind a bridge are not compared: QEMU lists them only
     * once the guest's firmware has numbered the bridge's bus, which a replica that never ran has
     * not, and the bus number is the guest's choice; the bridge itself is compared.
     */
    private static void pciDevices(Object devices, String where, TreeSet<String> into) {
        for (Object o : list(devices, where, "query-pci devices")) {
            Map<?, ?> d = map(o, where, "query-pci device");
            Map<?, ?> id = map(d.get("id"), where, "query-pci id");
            Map<?, ?> classInfo = map(d.get("class_info"), where, "query-pci class_info");
            into.add(String.format(Locale.ROOT, "pci %02x:%02x.%x %04x:%04x class %04x",
                    number(d.get("bus"), where, "query-pci bus"), number(d.get("slot"), where, "query-pci slot"),
                    number(d.get("function"), where, "query-pci function"), number(id.get("vendor"), where, "query-pci vendor"),
                    number(id.get("device"), where, "query-pci device id"), number(classInfo.get("class"), where, "query-pci class")));
        }
    }

    public byte[] encode() {
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l).append('\n'));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Checks everything §5.6 requires; {@code where} names the record for the error. */
    public static DeviceSet decode(byte[] payload, String where) {
        if (payload.length > MAX_BYTES) {
            throw new IllegalArgumentException(where + ": " + payload.length + " bytes, more than " + MAX_BYTES);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(where + ": not UTF-8 text", e);
        }
        if (text.isEmpty()) {
            return new DeviceSet(List.of());
        }
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException(where + ": the last line is not ended by a newline");
        }
        List<String> lines = List.of(text.substring(0, text.length() - 1).split("\n", -1));
        for (int i = 0; i < lines.size(); i++) {
            if (!LINE.matcher(lines.get(i)).matches()) {
                throw new IllegalArgumentException(where + ": line " + (i + 1) + " '" + lines.get(i) + "' names no device");
            }
            if (i > 0 && lines.get(i - 1).compareTo(lines.get(i)) >= 0) {
                throw new IllegalArgumentException(where + ": line " + (i + 1) + " '" + lines.get(i) + "' is out of order or repeated");
            }
        }
        return new DeviceSet(lines);
    }

    /**
     * The first device one of the two has and the other lacks, as a sentence about the primary's
     * ({@code this}) and the replica's device model; empty when they are the same.
     */
    public Optional<String> difference(DeviceSet replica) {
        TreeSet<String> onlyPrimary = new TreeSet<>(lines);
        onlyPrimary.removeAll(replica.lines);
        TreeSet<String> onlyReplica = new TreeSet<>(replica.lines);
        onlyReplica.removeAll(lines);
        if (onlyPrimary.isEmpty() && onlyReplica.isEmpty()) {
            return Optional.empty();
        }
        String first = !onlyPrimary.isEmpty() ? "the primary's has '" + onlyPrimary.first() + "', the replica's has not"
                : "the replica's has '" + onlyReplica.first() + "', the primary's has not";
        return Optional.of(first + " (" + (onlyPrimary.size() + onlyReplica.size()) + " difference(s) in all)");
    }

    private static List<?> list(Object o, String where, String what) {
        if (o instanceof List<?> l) {
            return l;
        }
        throw new QmpException(where + ": " + what + ": expected a list, got " + o);
    }

    private static Map<?, ?> map(Object o, String where, String what) {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new QmpException(where + ": " + what + ": expected an object, got " + o);
    }

    private static long number(Object o, String where, String what) {
        if (o instanceof Number n && n.longValue() >= 0) {
            return n.longValue();
        }
        throw new QmpException(where + ": " + what + ": expected a number, got " + o);
    }

    private static String text(Object o, String where, String what) {
        if (o instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new QmpException(where + ": " + what + ": expected a name, got " + o);
    }
}
