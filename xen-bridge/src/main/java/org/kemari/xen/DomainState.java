package org.kemari.xen;

/** Run state as Xen reports it in the domain info flags (the letters `xl list` prints). */
public enum DomainState {
    RUNNING('r'), BLOCKED('b'), PAUSED('p'), SHUTDOWN('s'), CRASHED('c'), DYING('d');

    private final char letter;

    DomainState(char letter) {
        this.letter = letter;
    }

    public char letter() {
        return letter;
    }
}
