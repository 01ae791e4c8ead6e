package io.changegraph.monitor;

import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.NetEvidence;
import io.changegraph.repository.model.ObjectRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.TcpCounts;

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
 *
 * <p>{@code remoteName} globs match any name of a remote: the node's names and the names the event's
 * network evidence carries. {@code outcome} holds when one of the named TCP counters of the event's
 * evidence ({@link #OUTCOMES}) is above zero, so it only holds on evidence events (connect, count 0).
 */
record ObjectMatcher(Set<String> kind, List<Glob> path, Pattern pathRegex, List<Glob> name, Set<String> family,
                     List<Cidr> address, List<PortRange> port, Set<Integer> pid, Boolean inSession,
                     int modeBits, Pattern detail, List<Glob> remoteName, Set<String> outcome) {
    /** TCP outcomes a rule may name, in documentation order. */
    static final List<String> OUTCOMES = List.of("refused", "timed_out", "reset_received", "reset_sent",
            "syn_retransmit");

    static final ObjectMatcher ANY = new ObjectMatcher(Set.of(), List.of(), null, List.of(), Set.of(), List.of(),
            List.of(), Set.of(), null, 0, null, List.of(), Set.of());

    ObjectMatcher {
        kind = Set.copyOf(kind);
        path = List.copyOf(path);
        name = List.copyOf(name);
        family = Set.copyOf(family);
        address = List.copyOf(address);
        port = List.copyOf(port);
        pid = Set.copyOf(pid);
        remoteName = List.copyOf(remoteName);
        outcome = Set.copyOf(outcome);
        for (String o : outcome) {
            if (!OUTCOMES.contains(o)) {
                throw new IllegalArgumentException("unknown TCP outcome '" + o + "'");
            }
        }
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
        return matches(object, eventDetail, otherPathInDetail, null);
    }

    /** As {@link #matches(ObjectRef, String, boolean)}, with the event's network evidence (or null). */
    boolean matches(ObjectRef object, String eventDetail, boolean otherPathInDetail, NetEvidence net) {
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
        if (!remoteName.isEmpty() || !outcome.isEmpty()) {
            if (!(object instanceof RemoteNode remote) || !netMatches(remote, net)) {
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

    private boolean netMatches(RemoteNode remote, NetEvidence net) {
        if (!remoteName.isEmpty() && !anyName(remote.names()) && (net == null || !anyName(net.names()))) {
            return false;
        }
        if (outcome.isEmpty()) {
            return true;
        }
        TcpCounts tcp = net == null ? null : net.tcp();
        if (tcp == null) {
            return false;
        }
        for (String o : outcome) {
            long count = switch (o) {
                case "refused" -> tcp.refused();
                case "timed_out" -> tcp.timedOut();
                case "reset_received" -> tcp.resetsReceived();
                case "reset_sent" -> tcp.resetsSent();
                default -> tcp.synRetransmits();
            };
            if (count > 0) {
                return true;
            }
        }
        return false;
    }

    private boolean anyName(List<String> names) {
        for (String n : names) {
            if (ProcessMatcher.anyGlob(remoteName, n)) {
                return true;
            }
        }
        return false;
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
