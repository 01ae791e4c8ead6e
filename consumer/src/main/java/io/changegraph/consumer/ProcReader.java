package io.changegraph.consumer;

import io.changegraph.repository.model.RemoteNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a {@link ProcSnapshot} from a proc tree (the real /proc, or a fake one in tests). */
final class ProcReader {
    /** USER_HZ: /proc/PID/stat counts start time in 10 ms ticks since boot. */
    private static final long NS_PER_TICK = 10_000_000L;
    private static final int STAT_PPID = 1;        // fields after "(comm)": 0 is state
    private static final int STAT_STARTTIME = 19;  // field 22 of stat(5)
    private static final int O_CLOEXEC = 0_2000000;
    private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");

    private ProcReader() {
    }

    static ProcSnapshot read(Path procRoot, int pid) throws IOException {
        Path dir = procRoot.resolve(Integer.toString(pid));
        String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
        int commEnd = stat.lastIndexOf(')');
        if (commEnd < 0) {
            throw new IOException(dir.resolve("stat") + ": no ')' after the command name: not a stat file");
        }
        String[] fields = stat.substring(commEnd + 1).trim().split(" +");
        if (fields.length <= STAT_STARTTIME) {
            throw new IOException(dir.resolve("stat") + ": " + fields.length + " fields after the command name, "
                    + "expected at least " + (STAT_STARTTIME + 1));
        }
        int ppid = Integer.parseInt(fields[STAT_PPID]);
        long startNs = Long.parseLong(fields[STAT_STARTTIME]) * NS_PER_TICK;
        int[] uids = uids(dir.resolve("status"));
        Map<Integer, String> fds = new HashMap<>();
        Set<Integer> cloexec = new HashSet<>();
        readFds(dir, fds, cloexec);
        return new ProcSnapshot(pid, ppid, startNs, link(dir.resolve("exe")), argv(dir.resolve("cmdline")),
                link(dir.resolve("cwd")), uids[0], uids[1], fds, cloexec, socketPeers(dir, fds));
    }

    /** fd → peer for the socket fds whose inode (socket:[INODE]) /proc/PID/net lists with a peer. */
    private static Map<Integer, RemoteNode> socketPeers(Path dir, Map<Integer, String> fds) {
        Map<Integer, RemoteNode> peers = new HashMap<>();
        Map<Long, RemoteNode> byInode = null;
        for (Map.Entry<Integer, String> fd : fds.entrySet()) {
            Matcher socket = SOCKET.matcher(fd.getValue());
            if (socket.matches()) {
                byInode = byInode != null ? byInode : ProcNetSockets.peers(dir);
                RemoteNode peer = byInode.get(Long.parseLong(socket.group(1)));
                if (peer != null) {
                    peers.put(fd.getKey(), peer);
                }
            }
        }
        return peers;
    }

    private static int[] uids(Path status) throws IOException {
        for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
            if (line.startsWith("Uid:")) {
                String[] ids = line.substring(4).trim().split("\\s+");
                return new int[] {Integer.parseInt(ids[0]), Integer.parseInt(ids[1])};
            }
        }
        throw new IOException(status + ": no Uid: line");
    }

    private static List<String> argv(Path cmdline) throws IOException {
        String all = Files.readString(cmdline, StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of(all.split("\0", -1)));
        if (!args.isEmpty() && args.getLast().isEmpty()) {
            args.removeLast();
        }
        return args;
    }

    private static void readFds(Path dir, Map<Integer, String> fds, Set<Integer> cloexec) throws IOException {
        Path fdDir = dir.resolve("fd");
        if (!Files.isDirectory(fdDir)) {
            return;
        }
        DirectoryStream<Path> listing;
        try {
            listing = Files.newDirectoryStream(fdDir);
        } catch (AccessDeniedException e) {
            return;   // another user's process without privileges: its fds stay unknown (and show as such)
        }
        try (DirectoryStream<Path> entries = listing) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String target = link(entry);
                if (target.isEmpty()) {
                    continue;  // closed while we listed it
                }
                int fd = Integer.parseInt(name);
                fds.put(fd, target);
                if ((fdInfoFlags(dir.resolve("fdinfo").resolve(name)) & O_CLOEXEC) != 0) {
                    cloexec.add(fd);
                }
            }
        }
    }

    /** The octal "flags:" of /proc/PID/fdinfo/N, 0 when unreadable. */
    private static long fdInfoFlags(Path fdInfo) {
        try {
            for (String line : Files.readAllLines(fdInfo, StandardCharsets.UTF_8)) {
                if (line.startsWith("flags:")) {
                    return Long.parseLong(line.substring(6).trim(), 8);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // best effort: without fdinfo the fd is taken as inherited across exec
        }
        return 0;
    }

    private static String link(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }
}
