package io.changegraph.repository.model;

/**
 * Loss accounting: nothing is lost silently.
 *
 * @param events      behaviours applied to the graph
 * @param lostKernel  records the kernel could not put in the ring buffer (counted in-kernel)
 * @param droppedUser records user space could not decode or keep
 */
public record Stats(long events, long lostKernel, long droppedUser) {
    public Stats {
        if (events < 0 || lostKernel < 0 || droppedUser < 0) {
            throw new IllegalArgumentException("negative stats");
        }
    }

    public static final Stats EMPTY = new Stats(0, 0, 0);
}
