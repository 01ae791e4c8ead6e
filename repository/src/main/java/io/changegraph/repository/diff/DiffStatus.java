package io.changegraph.repository.diff;

import java.util.Locale;

/** Where a behaviour, process or node of a diff was seen. */
public enum DiffStatus {
    ONLY_CANARY, ONLY_PRODUCTION, CHANGED, SAME;

    /** {@code only_canary}, {@code only_production}, {@code changed} or {@code same}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
