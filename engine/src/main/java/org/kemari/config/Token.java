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

    static <E extends Enum<E> & Token> String choices(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Token::token).collect(Collectors.joining("|"));
    }
}
