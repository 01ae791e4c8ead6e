package io.changegraph.repository.diff;

import java.util.Locale;

/** How much a difference matters, most important first; a report lists differences in this order. */
public enum Importance {
    /** unlink, rmdir, rename or truncate */
    DESTRUCTIVE,
    /** write, create, mkdir, link, symlink, chmod or chown outside the root process's working directory */
    WRITE_OUTSIDE_WORKDIR,
    /** a remote endpoint talked to on one side only */
    NEW_REMOTE,
    /** calls that failed on one side (or only one side), or a different exit status */
    FAILURE,
    /** everything else */
    OTHER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
