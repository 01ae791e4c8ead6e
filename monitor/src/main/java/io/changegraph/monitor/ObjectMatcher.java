package io.changegraph.monitor;

import io.changegraph.repository.FileRef;
import io.changegraph.repository.ModuleNode;
import io.changegraph.repository.ObjectRef;
import io.changegraph.repository.ProcessNode;
import io.changegraph.repository.RemoteNode;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Conditions on what an event acts on; every condition given must hold, a list holds when any entry
 * does. A condition that does not apply to the object's kind (a port on a file) does not hold.
 *
 * <p>The path of a file is its path; of a process (signal, spawn target) its executable; of a kernel
 * module its .ko file. For {@code rename}, {@code link} and {@code symlink} the event's detail (the
 * other path) is tried as well, so a rule on {@code /etc/passwd} sees {@code sed -i}'s rename over it.
 */
record ObjectMatcher(Set<String> kind, List<Glob> path, Pattern pathRegex, List<Glob> name, Set<String> family,
                     List<Cidr> address, List<PortRange> port, Set<Integer> pid, Boolean inSession,
                     int modeBits, Pattern detail) {
    static final ObjectMatcher ANY = new ObjectMatcher(Set.of(), List.of(), null, List.of(), Set.of(), List.of(),
            List.of(), Set.of(), null, 0, null);

    ObjectMatcher {
        kind = Set.copyOf(kind);
        path = List.copyOf(path);
        name = List.copyOf(name);
        family = Set.copyOf(family);
        address = List.copyOf(address);
        port = List.copyOf(port);
        pid = Set.copyOf(pid);
    }

    /** A port or an inclusive port range, {@code 443} or {@code 1-1023}. */
    record PortRange(int low, int high) {
        PortRange {
            if (low < 0 || high > 65535 || low > high) {
                throw new IllegalArgumentException("port range " + low + "-" + high + " is not within 0-65535");
            }
        }

        boolean contains(int port) {
            return port >= low && port <= high;
        }
    }

    boolean matches(ObjectRef object, String eventDetail, boolean otherPathInDetail) {
        if (!kind.isEmpty() && !kind.contains(kindOf(object))) {
            return false;
        }
        if ((!path.isEmpty() || pathRegex != null) && !pathMatches(object, eventDetail, otherPathInDetail)) {
            return false;
        }
        if (!name.isEmpty() && !(object instanceof ModuleNode module && ProcessMatcher.anyGlob(name, module.name()))) {
            return false;
        }
        if (!family.isEmpty() || !address.isEmpty() || !port.isEmpty()) {
            if (!(object instanceof RemoteNode remote) || !remoteMatches(remote)) {
                return false;
            }
        }
        if (!pid.isEmpty() || inSession != null) {
            if (!(object instanceof ProcessNode process)) {
                return false;
            }
            if (!pid.isEmpty() && !pid.contains(process.pid())) {
                return false;
            }
            if (inSession != null && inSession != process.followed()) {
                return false;
            }
        }
        if (modeBits != 0 && (modeOf(eventDetail) & modeBits) == 0) {
            return false;
        }
        return detail == null || (eventDetail != null && detail.matcher(eventDetail).find());
    }

    static String kindOf(ObjectRef object) {
        return switch (object) {
            case FileRef ignored -> "file";
            case ProcessNode ignored -> "process";
            case RemoteNode ignored -> "remote";
            case ModuleNode ignored -> "module";
        };
    }

    /** The path a rule sees for an object: file path, process executable, module file; null for remotes. */
    static String pathOf(ObjectRef object) {
        return switch (object) {
            case FileRef file -> file.path();
            case ProcessNode process -> process.exe();
            case ModuleNode module -> module.path();
            case RemoteNode ignored -> null;
        };
    }

    private boolean pathMatches(ObjectRef object, String eventDetail, boolean otherPathInDetail) {
        return onePathMatches(pathOf(object)) || (otherPathInDetail && onePathMatches(eventDetail));
    }

    private boolean onePathMatches(String candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return false;
        }
        if (!path.isEmpty() && !ProcessMatcher.anyGlob(path, candidate)) {
            return false;
        }
        return pathRegex == null || pathRegex.matcher(candidate).find();
    }

    private boolean remoteMatches(RemoteNode remote) {
        if (!family.isEmpty() && !family.contains(remote.family())) {
            return false;
        }
        if (!port.isEmpty() && (remote.family().equals("unix") || !anyPort(remote.port()))) {
            return false;
        }
        if (!address.isEmpty()) {
            byte[] bytes = Cidr.literalOrNull(remote.address());
            for (Cidr cidr : address) {
                if (cidr.contains(bytes)) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    private boolean anyPort(int value) {
        for (PortRange range : port) {
            if (range.contains(value)) {
                return true;
            }
        }
        return false;
    }

    /** The permission bits of a chmod detail written in octal ({@code 4755}, {@code 0644}), else 0. */
    static int modeOf(String detail) {
        if (detail == null || detail.isEmpty() || detail.length() > 7) {
            return 0;
        }
        int mode = 0;
        for (int i = 0; i < detail.length(); i++) {
            char c = detail.charAt(i);
            if (c < '0' || c > '7') {
                return 0;
            }
            mode = mode * 8 + (c - '0');
        }
        return mode & 07777;
    }
}
