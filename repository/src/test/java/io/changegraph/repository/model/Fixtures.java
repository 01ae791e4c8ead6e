package io.changegraph.repository.model;

import java.time.Instant;
import java.util.List;

/** Graphs built through {@link ChangeGraph#apply}, as a recording would build them. */
public final class Fixtures {
    public static final Instant T0 = Instant.parse("2026-11-21T20:00:00Z");

    private Fixtures() {
    }

    public static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    public static ProcessNode process(int pid, int ppid, String exe, String... argv) {
        return new ProcessNode(pid, pid * 1_000L, ppid, exe, List.of(argv), "/home/alice/app", 1000, 1000, null, null,
                true, T0, null);
    }

    public static Session session(int rootPid) {
        return new Session("s-1", "build-01", "alice", rootPid, List.of("bash", "-l"), T0, null);
    }

    /**
     * A small deploy: bash runs sed -i on a config (read, temp file written and renamed over it), chmods it,
     * curls a remote, deletes a file it may not delete, loads a module and signals an outside process.
     */
    public static GraphDocument rich() {
        ProcessNode bash = process(100, 1, "/usr/bin/bash", "bash", "-l");
        ProcessNode sed = process(101, 100, "/usr/bin/sed", "sed", "-i", "s/a/b/", "/etc/app.conf");
        ProcessNode outsider = new ProcessNode(55, 55_000L, 1, "/usr/sbin/nginx", List.of("nginx"), "/", 0, 0, null,
                null, false, null, null);
        ChangeGraph graph = new ChangeGraph(session(100));
        graph.apply(Event.once(at(1), bash, Verb.SPAWN, sed, false, null));
        graph.apply(Event.once(at(1), sed, Verb.EXEC, FileRef.of("/usr/bin/sed"), false, null));
        graph.apply(new Event(at(2), sed, Verb.READ, new FileRef("/etc/app.conf", 4242, true), 3, 900, 0, null));
        graph.apply(Event.once(at(2), sed, Verb.CREATE, FileRef.of("/etc/sedAbC123"), false, null));
        graph.apply(new Event(at(3), sed, Verb.WRITE, FileRef.of("/etc/sedAbC123"), 2, 910, 0, null));
        graph.apply(Event.once(at(3), sed, Verb.CHMOD, FileRef.of("/etc/sedAbC123"), false, "0644"));
        graph.apply(Event.once(at(4), sed, Verb.RENAME, FileRef.of("/etc/sedAbC123"), false, "/etc/app.conf"));
        graph.apply(Event.once(at(4), sed.withExit(0, null, at(4)), Verb.EXIT, sed, false, "0"));
        graph.apply(Event.once(at(5), bash, Verb.UNLINK, FileRef.of("/etc/shadow-backup"), true, null));
        graph.apply(Event.once(at(5), bash, Verb.CONNECT, new RemoteNode("ipv4", "10.0.0.7", 443), false, null));
        graph.apply(new Event(at(6), bash, Verb.SEND, new RemoteNode("ipv4", "10.0.0.7", 443), 4, 1200, 0, null));
        graph.apply(Event.once(at(6), bash, Verb.LOAD_MODULE, new ModuleNode("dummy", "/lib/modules/dummy.ko"), false, null));
        graph.apply(Event.once(at(7), bash, Verb.SIGNAL, outsider, false, "SIGHUP"));
        graph.setStats(new Stats(0, 2, 1));
        graph.addAlert(new Alert("delete-etc", "critical", "deletes under /etc", null, bash.id(), Verb.UNLINK,
                Ids.file("/etc/shadow-backup", 0), at(5)));
        graph.addAlert(new Alert("module", "warning", "loads a kernel module", new ModuleNode("dummy", "").id(), null,
                null, null, at(6)));
        graph.endSession(at(9));
        return graph.snapshot();
    }
}
