package io.changegraph.controller.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parent/child relations read from /proc, for following an existing process and its descendants. */
public final class ProcessTree {
    private ProcessTree() {
    }

    /** The ppid of every process visible in {@code procRoot}. */
    public static Map<Integer, Integer> parents(Path procRoot) {
        Map<Integer, Integer> parents = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(procRoot, p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                int ppid = ppid(dir.resolve("stat"));
                if (ppid >= 0) {
                    parents.put(Integer.parseInt(dir.getFileName().toString()), ppid);
                }
            }
        } catch (IOException e) {
            // an unreadable /proc leaves only the root followed; the kernel still adds new children
        }
        return parents;
    }

    /** {@code root} and its descendants, parents before children, without {@code exclude}. */
    public static List<Integer> descendants(Map<Integer, Integer> parents, int root, Set<Integer> exclude) {
        Map<Integer, List<Integer>> children = new HashMap<>();
        parents.forEach((pid, ppid) -> children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(pid));
        List<Integer> order = new ArrayList<>();
        Deque<Integer> queue = new ArrayDeque<>(List.of(root));
        while (!queue.isEmpty()) {
            int pid = queue.poll();
            if (pid != root && exclude.contains(pid)) {
                continue;
            }
            order.add(pid);
            children.getOrDefault(pid, List.of()).stream().sorted().forEach(queue::add);
        }
        return order;
    }

    /** The recorder and every ancestor of it: never followed, even under a followed shell. */
    public static Set<Integer> selfAndAncestors(Map<Integer, Integer> parents, int self) {
        Set<Integer> result = new java.util.HashSet<>();
        for (Integer pid = self; pid != null && pid > 0 && result.add(pid); pid = parents.get(pid)) {
            // walk up
        }
        return result;
    }

    public static int ppid(Path stat) {
        try {
            String s = Files.readString(stat);
            // comm may contain spaces and parentheses: fields resume after the last ')'
            String[] rest = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(rest[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
