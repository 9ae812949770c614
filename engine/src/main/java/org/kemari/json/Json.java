package org.kemari.json;

import java.util.List;

/**
 * Writes the few JSON objects the command line prints (status). By hand, so the jar carries no
 * JSON library; field order is fixed so scripts and humans diffing output see stable text.
 */
public final class Json {
    private final StringBuilder sb = new StringBuilder("{");

    public Json field(String name, String value) {
        return raw(name, value == null ? "null" : quote(value));
    }

    public Json field(String name, long value) {
        return raw(name, Long.toString(value));
    }

    public Json field(String name, boolean value) {
        return raw(name, Boolean.toString(value));
    }

    /** {@code json} must already be valid JSON (a nested object or array). */
    public Json raw(String name, String json) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        sb.append(quote(name)).append(':').append(json);
        return this;
    }

    @Override
    public String toString() {
        return sb + "}";
    }

    public static String array(List<String> jsonValues) {
        return "[" + String.join(",", jsonValues) + "]";
    }

    public static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                case '\b' -> q.append("\\b");
                case '\f' -> q.append("\\f");
                default -> {
                    // Control characters and the line/paragraph separators break naive JSON readers.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
