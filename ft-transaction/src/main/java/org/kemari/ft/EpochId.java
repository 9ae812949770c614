package org.kemari.ft;

/** An epoch's number in its stream: 1 for the first epoch, then consecutive. 0 means "none yet". */
public record EpochId(long number) implements Comparable<EpochId> {
    public static final EpochId NONE = new EpochId(0);

    public EpochId {
        if (number < 0) {
            throw new IllegalArgumentException("epoch number must not be negative: " + number);
        }
    }

    public EpochId next() {
        return new EpochId(number + 1);
    }

    @Override
    public int compareTo(EpochId o) {
        return Long.compare(number, o.number);
    }

    @Override
    public String toString() {
        return "epoch " + number;
    }
}
