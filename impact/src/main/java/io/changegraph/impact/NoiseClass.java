package io.changegraph.impact;

/**
 * The documented rules (docs/impact.md) by which graph elements are folded out of the summary, the
 * changes-only export and the viewer's default view. Folded elements stay in the graph JSON; the summary
 * counts them per class in {@code folded}.
 */
public enum NoiseClass {
    /** The loader, shared libraries, ld.so.cache, locale and gconv, nss/nscd, terminfo, /dev/null, /dev/tty, /proc/self. */
    RUNTIME_LOADING,
    /** Lookups that failed: ENOENT on a PATH search, locale fallbacks, a missing optional config. */
    FAILED_LOOKUP,
    /** A package manager reading its own database (/var/lib/dpkg, /var/lib/apt, /var/cache/apt, ...). */
    PACKAGE_BOOKKEEPING,
    /** Everything a package manager's subtree and its triggers did, told by its package behaviour instead. */
    PACKAGE_SUBTREE,
    /** Files made and gone by the end (temp, lock, passwd.&lt;pid&gt;, *.dpkg-new, swap), folded into the effect they served. */
    TRANSIENT,
    /** Lock files opened with O_CREAT and never written ({@code /etc/.pwd.lock}, {@code /var/lib/dpkg/lock}): a lock taken. */
    LOCK_FILE,
    /** Files written only through descriptors opened before the session (its stdout/stderr redirected by the caller). */
    SESSION_OUTPUT;

    /** The key in the summary's {@code folded} map, e.g. {@code runtime_loading}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
