package io.changegraph.repository.diff;

import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Verb;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A simulated recording of one run of the same deploy script, built through {@link ChangeGraph#apply} as the
 * consumer would: everything that honestly differs between two runs (pids, start times, user, home, host,
 * temp names, byte and call counts, sibling order) is a parameter.
 */
final class DeployRun {
    int pidBase = 1000;
    Instant start = Instant.parse("2026-11-21T20:00:00Z");
    String user = "alice";
    String home = "/home/alice";
    String host = "canary-01";
    String tempDir = "/tmp/tmp.Xy3kQ9aB1c";
    String sedTemp = "/etc/sedAb12Cd";
    long logWrites = 3;
    long copyBytes = 4096;
    boolean curlsReversed;
    /** The session's root command (the login shell unless a test runs the deploy script as the root). */
    List<String> rootArgv = List.of("bash", "-l");
    boolean logWriteFails;
    final List<Consumer<Script>> extras = new ArrayList<>();

    /** The script process and a way to add behaviours to one run only. */
    record Script(ChangeGraph graph, ProcessNode process, DeployRun run) {
        ProcessNode spawn(int offset, String exe, String... argv) {
            ProcessNode child = run.process(offset, process.pid(), exe, argv);
            graph.apply(Event.once(run.at(offset), process, Verb.SPAWN, child, false, null));
            graph.apply(Event.once(run.at(offset), child, Verb.EXEC, FileRef.of(exe), false, null));
            return child;
        }
    }

    Instant at(int offset) {
        return start.plusMillis(offset * 10L);
    }

    ProcessNode process(int offset, int ppid, String exe, String... argv) {
        return new ProcessNode(pidBase + offset, (pidBase + offset) * 7_919L, ppid, exe, List.of(argv), home + "/deploy",
                user.equals("root") ? 0 : 1000, user.equals("root") ? 0 : 1000, 0, null, true, at(offset), at(offset + 1));
    }

    GraphDocument record() {
        ChangeGraph graph = new ChangeGraph(new Session("s-" + pidBase, host, user, pidBase, rootArgv, start, null));
        ProcessNode login = process(0, 1, "/usr/bin/bash", rootArgv.toArray(String[]::new));
        ProcessNode script = process(1, login.pid(), "/usr/bin/bash", "bash", home + "/deploy/deploy.sh");
        graph.apply(Event.once(at(1), login, Verb.SPAWN, script, false, null));
        graph.apply(Event.once(at(1), script, Verb.EXEC, FileRef.of("/usr/bin/bash"), false, null));
        graph.apply(new Event(at(1), script, Verb.READ, FileRef.of(home + "/deploy/deploy.sh"), 2, 800, 0, null));
        graph.apply(new Event(at(2), script, Verb.READ, FileRef.of("/proc/" + script.pid() + "/status"), 1, 1300, 0, null));
        Script s = new Script(graph, script, this);

        ProcessNode mktemp = s.spawn(2, "/usr/bin/mktemp", "mktemp", "-d");
        graph.apply(Event.once(at(2), mktemp, Verb.MKDIR, FileRef.of(tempDir), false, "0700"));

        ProcessNode sed = s.spawn(3, "/usr/bin/sed", "sed", "-i", "s/v1/v2/", "/etc/app.conf");
        graph.apply(new Event(at(3), sed, Verb.READ, FileRef.of("/etc/app.conf"), 2, 300, 0, null));
        graph.apply(Event.once(at(3), sed, Verb.CREATE, FileRef.of(sedTemp), false, null));
        graph.apply(new Event(at(3), sed, Verb.WRITE, FileRef.of(sedTemp), 1, 301, 0, null));
        graph.apply(Event.once(at(4), sed, Verb.CHMOD, FileRef.of(sedTemp), false, "0644"));
        graph.apply(Event.once(at(4), sed, Verb.RENAME, FileRef.of(sedTemp), false, "/etc/app.conf"));

        ProcessNode cp = s.spawn(5, "/usr/bin/cp", "cp", home + "/deploy/app.tar", tempDir + "/app.tar");
        graph.apply(new Event(at(5), cp, Verb.READ, FileRef.of(home + "/deploy/app.tar"), 4, copyBytes, 0, null));
        graph.apply(new Event(at(5), cp, Verb.WRITE, FileRef.of(tempDir + "/app.tar"), 4, copyBytes, 0, null));

        String[][] curls = {{"10.0.0.7", "6"}, {"10.0.0.8", "7"}};
        for (int i = 0; i < 2; i++) {
            String[] curl = curls[curlsReversed ? 1 - i : i];
            ProcessNode process = s.spawn(Integer.parseInt(curl[1]) + (curlsReversed ? 10 : 0), "/usr/bin/curl", "curl",
                    "-fsS", "https://artifacts/health");
            graph.apply(Event.once(at(6), process, Verb.CONNECT, new RemoteNode("ipv4", curl[0], 443), false, null));
            graph.apply(new Event(at(6), process, Verb.SEND, new RemoteNode("ipv4", curl[0], 443), 3, 517, 0, null));
        }

        graph.apply(new Event(at(8), script, Verb.WRITE, FileRef.of(home + "/deploy/deploy.log"), logWrites, logWrites * 40,
                logWriteFails ? logWrites : 0, null));
        extras.forEach(extra -> extra.accept(s));
        graph.endSession(at(20));
        return graph.snapshot();
    }

    /** A second honest run: everything that may differ between runs differs. */
    static DeployRun otherHonestRun() {
        DeployRun run = new DeployRun();
        run.pidBase = 52_311;
        run.start = Instant.parse("2026-11-22T09:13:00Z");
        run.host = "prod-eu-07.example.net";
        run.tempDir = "/tmp/tmp.Qq8Z0pLm2W";
        run.sedTemp = "/etc/sedZZ9y0x";
        run.logWrites = 5;
        run.copyBytes = 4300;
        run.curlsReversed = true;
        return run;
    }
}
