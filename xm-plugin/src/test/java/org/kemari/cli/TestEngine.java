package org.kemari.cli;

/** An engine for tests: claims every verb; those a test does not override fail as missing. */
class TestEngine implements Engine {
    @Override
    public String missing(String verb) {
        return null;
    }
}
