package org.kemari.config;

/**
 * A pairing config that cannot be used. The message is already the one line an administrator
 * needs: {@code file:line:column: what is wrong and what was expected}.
 */
public class ConfigException extends RuntimeException {
    private final String source;
    private final int line;
    private final int column;

    public ConfigException(String source, int line, int column, String problem) {
        super(source + ":" + line + ":" + column + ": " + problem);
        this.source = source;
        this.line = line;
        this.column = column;
    }

    public String source() {
        return source;
    }

    /** 1-based, as editors count. */
    public int line() {
        return line;
    }

    /** 1-based, as editors count. */
    public int column() {
        return column;
    }
}
