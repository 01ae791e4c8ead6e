package io.changegraph.controller;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One unprivileged user floods the agent's socket (hundreds of idle connections, registrations in a loop)
 * while another user logs in: the other login is recorded, the flooder is held to its own limits, and the
 * agent's log stays small and free of raw escape codes.
 */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class AgentFloodIT {
    private static final String PYTHON = "/usr/bin/python3";
    /** Keeps up to argv[2] connections open, reconnecting as the agent closes them, for argv[3] seconds. */
    private static final String FLOOD = "import socket, sys, time\n"
            + "path, most, end = sys.argv[1], int(sys.argv[2]), time.time() + float(sys.argv[3])\n"
            + "held, made = [], 0\n"
            + "while time.time() < end:\n"
            + "    try:\n"
            + "        s = socket.socket(socket.AF_UNIX); s.settimeout(1); s.connect(path); held.append(s); made += 1\n"
            + "    except OSError:\n"
            + "        pass\n"
            + "    if len(held) >= most:\n"
            + "        for s in held[:most // 2]: s.close()\n"
            + "        del held[:most // 2]\n"
            + "print(made)\n";
    /** Registers its own pid; prints the answer; then stays alive argv[2] seconds (a live session). */
    private static final String REGISTER = "import socket, sys, os, time\n"
            + "s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])\n"
            + "s.sendall(('{\"op\":\"register\",\"pid\":%d,\"tty\":\"\",\"command\":[\"py\"]}\\n' % os.getpid()).encode())\n"
            + "print(s.makefile().readline().strip(), flush=True)\n"
            + "time.sleep(float(sys.argv[2]))\n";
    private static String flooder;
    private static String victim;

    @TempDir
    Path dir;

    @BeforeAll
    static void createUsers() throws Exception {
        long n = System.nanoTime() % 100000;
        flooder = "cgflood" + n;
        victim = "cgvictim" + n;
        run("useradd", "-m", "-s", "/bin/sh", flooder);
        run("useradd", "-m", "-s", "/bin/sh", victim);
    }

    @AfterAll
    static void removeUsers() throws Exception {
        for (String user : new String[]{flooder, victim}) {
            if (user != null) {
                run("userdel", "-r", user);
            }
        }
    }

    @Test
    void oneUsersFlood_doesNotStopAnotherUsersLoginBeingRecorded() throws Exception {
        Path flood = Files.writeString(dir.resolve("flood.py"), FLOOD);
        try (AgentProcess agent = new AgentProcess(dir, "fail_closed: true\n")
                .start(Map.of("CHANGEGRAPH_LOG_REPEAT_WINDOW", "2"))) {
            Process flooding = asUser(flooder, agent, PYTHON, flood.toString(), agent.socket.toString(), "300", "8")
                    .redirectErrorStream(true).start();
            Thread.sleep(1500);
            List<AgentProcess.Result> logins = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                logins.add(AgentProcess.run(asUser(victim, agent, Recording.launcher().toString(), "session", "--",
                        "/bin/sh", "-c", "echo login " + i)));
            }
            assertThat(flooding.waitFor(60, TimeUnit.SECONDS)).isTrue();
            long made = Long.parseLong(new String(flooding.getInputStream().readAllBytes()).strip());
            assertThat(made).as("connections the flood made").isGreaterThan(300);
            for (AgentProcess.Result login : logins) {
                assertThat(login.exitCode()).as(login.stderr()).isZero();   // fail_closed: a refusal would be exit 1
                assertThat(login.stdout()).startsWith("login");
                agent.endedGraph(login.sessionId());
            }
            String log = agent.log();
            assertThat(log.lines().filter(l -> l.contains("connections open: one refused")).count())
                    .as("refusal lines written").isBetween(1L, 60L);
            assertThat(log).contains("were suppressed in the last 2 s");
            assertThat(log.length()).as("log bytes").isLessThan(200_000);
        }
    }

    @Test
    void registrations_perMinuteAndLiveSessions_areLimitedPerUser_escapeCodesNeverReachTheLog() throws Exception {
        Path register = Files.writeString(dir.resolve("register.py"), REGISTER);
        try (AgentProcess agent = new AgentProcess(dir, "max_registrations_per_minute: 4\nmax_sessions_per_user: 2\n")
                .start()) {
            List<Process> live = new ArrayList<>();
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {   // two stay live, the third is one too many
                Process p = asUser(victim, agent, PYTHON, register.toString(), agent.socket.toString(), "20").start();
                live.add(p);
                answers.add(String.valueOf(new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))
                        .readLine()));
            }
            assertThat(answers.subList(0, 2)).allSatisfy(a -> assertThat(a).contains("\"ok\":true"));
            assertThat(answers.get(2)).contains("max_sessions_per_user");
            live.forEach(Process::destroy);
            for (Process p : live) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
            AgentProcess.await("live sessions ended", () -> agent.store.list(w -> { }).stream()
                    .noneMatch(r -> r.state() == io.changegraph.repository.store.SessionRecord.State.LIVE), 30);
            // 2 registrations counted this minute (the refused one is not): two more are allowed, then none
            List<String> more = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                more.add(AgentProcess.run(asUser(victim, agent, PYTHON, register.toString(), agent.socket.toString(),
                        "0")).stdout());
                AgentProcess.await("sessions ended", () -> agent.store.list(w -> { }).stream()
                        .noneMatch(r -> r.state() == io.changegraph.repository.store.SessionRecord.State.LIVE), 30);
            }
            assertThat(more.subList(0, 2)).allSatisfy(a -> assertThat(a).contains("\"ok\":true"));
            assertThat(more.get(2)).contains("max_registrations_per_minute");
            // another user is not held by the victim's count; its argv carries escape codes
            AgentProcess.Result escaped = AgentProcess.run(asUser(flooder, agent, Recording.launcher().toString(),
                    "session", "--", "/bin/sh", "-c", ": '\u001b[2J\u001b]0;PWNED\u0007'"));
            assertThat(escaped.exitCode()).as(escaped.stderr()).isZero();
            String id = escaped.sessionId();
            agent.endedGraph(id);
            assertThat(agent.record(id).command()).last().asString().contains("\\u001B[2J").doesNotContain("\u001b");
            assertThat(agent.log()).doesNotContain("\u001b").doesNotContain("\u0007");
            AgentProcess.Result sessions = AgentProcess.run(new ProcessBuilder(Recording.launcher().toString(),
                    "sessions", "--config", agent.config.toString()));
            assertThat(sessions.stdout()).contains("PWNED").doesNotContain("\u001b");
        }
    }

    private static ProcessBuilder asUser(String user, AgentProcess agent, String... command) {
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", user, "--", "env", "HOME=/home/" + user,
                "CHANGEGRAPH_CONFIG=" + agent.config));
        argv.addAll(List.of(command));
        return new ProcessBuilder(argv);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
    }
}
