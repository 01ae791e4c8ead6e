package io.changegraph.probes;

/**
 * Sizes and switches set before the probe is loaded. (A syscall's arguments wait for its exit in
 * per-thread task storage, which has no size to set.)
 *
 * @param maxProcesses    followed processes at once (target map and I/O tables)
 * @param ringBufferBytes ring buffer size: a power of two, at least one page
 * @param recorderTgid    the recorder's own pid, never followed (0 = none)
 * @param payloadBytes    bytes of a connection's first send and of each DNS answer captured for names, HTTP
 *                        request lines and TLS server names: 0 turns payload capture off, at most
 *                        {@value #MAX_PAYLOAD_BYTES}
 */
public record ProbeTunables(int maxProcesses, int ringBufferBytes, int recorderTgid, int payloadBytes) {
    /** CG_PAYLOAD_MAX in changegraph.h. */
    public static final int MAX_PAYLOAD_BYTES = 4096;
    public static final int DEFAULT_PAYLOAD_BYTES = 512;
    public static final ProbeTunables DEFAULTS = new ProbeTunables(65536, 4 << 20, 0, DEFAULT_PAYLOAD_BYTES);

    public ProbeTunables(int maxProcesses, int ringBufferBytes, int recorderTgid) {
        this(maxProcesses, ringBufferBytes, recorderTgid, DEFAULT_PAYLOAD_BYTES);
    }

    public ProbeTunables {
        if (maxProcesses < 1) {
            throw new IllegalArgumentException("map sizes must be positive: processes=" + maxProcesses);
        }
        if (ringBufferBytes < 4096 || Integer.bitCount(ringBufferBytes) != 1) {
            throw new IllegalArgumentException("ring buffer size must be a power of two >= 4096: " + ringBufferBytes);
        }
        if (payloadBytes < 0 || payloadBytes > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload bytes must be 0 (off) to " + MAX_PAYLOAD_BYTES + ": "
                    + payloadBytes);
        }
        if (recorderTgid < 0) {
            throw new IllegalArgumentException("negative recorder pid " + recorderTgid);
        }
    }

    public ProbeTunables withRecorderTgid(int tgid) {
        return new ProbeTunables(maxProcesses, ringBufferBytes, tgid, payloadBytes);
    }
}
