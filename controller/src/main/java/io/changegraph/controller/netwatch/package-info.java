/**
 * netwatch, the host-wide TCP anomaly camera: {@code NetwatchCamera} (the probes and the polling loop),
 * {@code NetwatchTable} (one interval's rows per executable, cgroup and destination, bounded),
 * {@code NetwatchOutput} (JSON lines, the top-N table) and the package-private {@code CgroupNames}. Used by the
 * {@code netwatch} command and by the agent.
 */
package io.changegraph.controller.netwatch;
