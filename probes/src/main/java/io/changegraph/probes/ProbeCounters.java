package io.changegraph.probes;

/**
 * Loss counters kept in-kernel (summed over CPUs).
 *
 * @param ringBufferLost records that could not be put in the ring buffer
 * @param targetsFull    children that could not be followed because the target map was full
 * @param pendingFull    syscalls whose arguments could not be saved at entry
 * @param ioFull         reads/writes not aggregated because the I/O table was full
 * @param connsFull      TCP connections whose outcome was not followed because the connection map was full
 */
public record ProbeCounters(long ringBufferLost, long targetsFull, long pendingFull, long ioFull, long connsFull) {
    public long total() {
        return ringBufferLost + targetsFull + pendingFull + ioFull + connsFull;
    }
}
