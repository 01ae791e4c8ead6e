package io.changegraph.control;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.regex.Pattern;

/**
 * Which hosts a release is for: the whole fleet, one group ({@code control.group} of the agents' config) or the
 * hosts whose names match a glob ({@code web-*}, {@code db-[12]}).
 *
 * @param group    the group, or null
 * @param hostGlob the glob, or null; at most one of the two is set, neither: the whole fleet
 */
public record Target(String group, String hostGlob) {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public Target {
        if (group != null && hostGlob != null) {
            throw new IllegalArgumentException("give --group or --hosts, not both");
        }
        if (group != null && !NAME.matcher(group).matches()) {
            throw new IllegalArgumentException("group '" + group + "' is not a name (letters, digits, . _ -; at most 63)");
        }
        if (hostGlob != null) {
            if (hostGlob.isEmpty() || hostGlob.length() > 255 || hostGlob.contains("/")) {
                throw new IllegalArgumentException("--hosts needs a glob of host names like 'web-*' (no '/')");
            }
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + hostGlob);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--hosts '" + hostGlob + "' is not a glob: " + e.getMessage());
            }
        }
    }

    public static Target fleet() {
        return new Target(null, null);
    }

    public boolean isFleet() {
        return group == null && hostGlob == null;
    }

    /** Whether a host of this name in this group gets the release. */
    public boolean matches(String host, String hostGroup) {
        if (isFleet()) {
            return true;
        }
        if (group != null) {
            return group.equals(hostGroup);
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + hostGlob);
        return m.matches(Path.of(host));
    }

    /** {@code fleet}, {@code group canary} or {@code hosts web-*}. */
    @Override
    public String toString() {
        return isFleet() ? "fleet" : group != null ? "group " + group : "hosts " + hostGlob;
    }
}
