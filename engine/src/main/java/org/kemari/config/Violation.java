package org.kemari.config;

/** One broken rule of a pairing, named by its config key so each front end can say where. */
public record Violation(String key, String message) {
}
