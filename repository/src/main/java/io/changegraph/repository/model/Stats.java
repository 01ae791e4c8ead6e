package io.changegraph.repository.model;

import java.util.List;

/**
 * Loss accounting: nothing is lost silently.
 *
 * @param events       behaviours applied to the graph
 * @param lostKernel   records the kernel could not put in the ring buffer (counted in-kernel)
 * @param droppedUser  records user space could not decode or keep
 * @param degradations self-protection steps taken while the session was recorded, in start order (empty: none)
 */
public record Stats(long events, long lostKernel, long droppedUser, List<Degradation> degradations) {
    public Stats {
        if (events < 0 || lostKernel < 0 || droppedUser < 0) {
            throw new IllegalArgumentException("negative stats");
        }
        degradations = List.copyOf(degradations);
    }

    /** Without self-protection steps. */
    public Stats(long events, long lostKernel, long droppedUser) {
        this(events, lostKernel, droppedUser, List.of());
    }

    public static final Stats EMPTY = new Stats(0, 0, 0);

    /** The same counts with these self-protection steps. */
    public Stats withDegradations(List<Degradation> steps) {
        return new Stats(events, lostKernel, droppedUser, steps);
    }
}
