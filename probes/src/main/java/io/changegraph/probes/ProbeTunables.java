package io.changegraph.probes;

/**
 * Sizes and switches set before the probe is loaded. (A syscall's arguments wait for its exit in
 * per-thread task storage, which has no size to set.)
 *
 * @param maxProcesses    followed processes at once (target map and I/O tables)
 * @param ringBufferBytes ring buffer size: a power of two, at least one page
 * @param recorderTgid    the recorder's own pid, never followed (0 = none)
 */
public record ProbeTunables(int maxProcesses, int ringBufferBytes, int recorderTgid) {
    public static final ProbeTunables DEFAULTS = new ProbeTunables(65536, 4 << 20, 0);

    public ProbeTunables {
        if (maxProcesses < 1) {
            throw new IllegalArgumentException("map sizes must be positive: processes=" + maxProcesses);
        }
        if (ringBufferBytes < 4096 || Integer.bitCount(ringBufferBytes) != 1) {
            throw new IllegalArgumentException("ring buffer size must be a power of two >= 4096: " + ringBufferBytes);
        }
        if (recorderTgid < 0) {
            throw new IllegalArgumentException("negative recorder pid " + recorderTgid);
        }
    }

    public ProbeTunables withRecorderTgid(int tgid) {
        return new ProbeTunables(maxProcesses, ringBufferBytes, tgid);
    }
}
