package org.kemari.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Numbers as the table, JSON and SVG print them: three significant digits, no locale. */
final class Format {
    private Format() {
    }

    static String number(double x) {
        if (Double.isNaN(x)) {
            return "-";
        }
        double a = Math.abs(x);
        if (a != 0 && (a >= 1e6 || a < 1e-3)) {
            return String.format(Locale.ROOT, "%.3g", x);
        }
        if (a >= 100 || x == Math.rint(x)) {
            return String.format(Locale.ROOT, "%.0f", x);
        }
        return new BigDecimal(x).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** A JSON number; NaN (not measured, no baseline) becomes null. */
    static String json(double x) {
        return Double.isNaN(x) || Double.isInfinite(x) ? "null" : String.format(Locale.ROOT, "%.6g", x);
    }

    /** A JSON string literal. */
    static String jsonString(String s) {
        StringBuilder q = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                q.append('\\').appendCodePoint(c);
            } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                q.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                q.appendCodePoint(c);
            }
        });
        return q.append('"').toString();
    }

    /** Text safe inside SVG/XML character data. */
    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
