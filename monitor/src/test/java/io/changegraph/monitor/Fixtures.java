package io.changegraph.monitor;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.ObjectRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds processes and events the way the consumer emits them, plus a session context that tracks spawns. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2026-11-21T20:00:00Z");

    private Fixtures() {
    }

    static Path shippedRules() {
        return Path.of(System.getenv().getOrDefault("CHANGEGRAPH_REPO", ".."), "rules.yaml");
    }

    static ProcessNode process(int pid, int ppid, String exe, int uid, String... argv) {
        return new ProcessNode(pid, pid * 1000L, ppid, exe, List.of(argv), "/root", uid, uid, null, null, true,
                T0, null);
    }

    static ProcessNode outsider(int pid, String exe) {
        return new ProcessNode(pid, pid * 1000L, 0, exe, List.of(exe), "/", 0, 0, null, null, false, T0, null);
    }

    static Event event(double seconds, ProcessNode subject, Verb verb, ObjectRef object, String detail) {
        return Event.once(T0.plusNanos((long) (seconds * 1e9)), subject, verb, object, false, detail);
    }

    static Event event(ProcessNode subject, Verb verb, ObjectRef object) {
        return event(0, subject, verb, object, null);
    }

    static FileRef file(String path) {
        return FileRef.of(path);
    }

    static RemoteNode ipv4(String address, int port) {
        return new RemoteNode("ipv4", address, port);
    }

    static ModuleNode module(String name) {
        return new ModuleNode(name, "/lib/modules/" + name + ".ko");
    }

    /** A session context that learns the process tree from the processes it is told about. */
    static final class Tree implements SessionContext {
        private final String id;
        private final SessionFacts facts;
        private final Map<Integer, ProcessNode> byPid = new HashMap<>();

        Tree(String id, ProcessNode... processes) {
            this(SessionFacts.of(id), processes);
        }

        Tree(SessionFacts facts, ProcessNode... processes) {
            this.id = facts.id();
            this.facts = facts;
            for (ProcessNode p : processes) {
                byPid.put(p.pid(), p);
            }
        }

        @Override
        public SessionFacts facts() {
            return facts;
        }

        @Override
        public String sessionId() {
            return id;
        }

        @Override
        public List<ProcessNode> ancestors(ProcessNode process) {
            List<ProcessNode> out = new ArrayList<>();
            ProcessNode parent = byPid.get(process.ppid());
            while (parent != null && out.size() < 64) {
                out.add(parent);
                parent = byPid.get(parent.ppid());
            }
            return out;
        }
    }
}
