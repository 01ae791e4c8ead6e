package io.changegraph.repository.diff;

/** How a diff matches remote endpoints of the two runs. */
public enum RemoteMatch {
    /** family + address + port must be equal */
    FULL,
    /** only the port (and family) must be equal: the same service on other hosts */
    PORT,
    /** only the address (and family) must be equal: any port of the same host */
    HOST
}
