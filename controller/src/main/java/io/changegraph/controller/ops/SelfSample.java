package io.changegraph.controller.ops;

/**
 * The recorder's own cost over one sampling interval.
 *
 * @param cpuPercent  CPU time of all the process's threads over the interval, percent of all the host's CPUs
 * @param rssBytes    resident memory at the end of the interval
 * @param heapPercent Java heap still in use after the last collection, percent of the maximum heap (0 when unknown)
 */
record SelfSample(double cpuPercent, long rssBytes, double heapPercent) {
    SelfSample {
        if (cpuPercent < 0 || rssBytes < 0 || heapPercent < 0 || Double.isNaN(cpuPercent) || Double.isNaN(heapPercent)) {
            throw new IllegalArgumentException("negative sample");
        }
    }
}
