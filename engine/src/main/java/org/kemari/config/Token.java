package org.kemari.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** An enum constant with the lower-case spelling used in configs and on the command line. */
public interface Token {
    String token();

    /** @throws IllegalArgumentException listing the accepted spellings */
    static <E extends Enum<E> & Token> E parse(Class<E> type, String text) {
        for (E e : type.getEnumConstants()) {
            if (e.token().equals(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException("expected one of " + choices(type) + ", got '" + text + "'");
    }

    /** {@link #parse} for an enum that is not a Token but spells its constants with {@code spelling}. */
    static <E extends Enum<E>> E parse(Class<E> type, java.util.function.Function<E, String> spelling, String text) {
        for (E e : type.getEnumConstants()) {
            if (spelling.apply(e).equals(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException("expected one of " + choices(type, spelling) + ", got '" + text + "'");
    }

    static <E extends Enum<E>> String choices(Class<E> type, java.util.function.Function<E, String> spelling) {
        return Arrays.stream(type.getEnumConstants()).map(spelling).collect(Collectors.joining("|"));
    }

    static <E extends Enum<E> & Token> String choices(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Token::token).collect(Collectors.joining("|"));
    }
}
