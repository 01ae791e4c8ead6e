package io.changegraph.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.controller.UsageException;
import io.changegraph.controller.agent.AgentClient;
import io.changegraph.controller.config.AgentConfig;
import io.changegraph.controller.os.Host;
import io.changegraph.controller.os.LibC;
import io.changegraph.repository.io.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "session", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The SSH session wrapper (sshd_config: ForceCommand /usr/local/bin/changegraph session)."
                + " Runs as the user: asks the agent to record this session, then becomes the user's login shell,"
                + " or runs $SSH_ORIGINAL_COMMAND (ssh host cmd, scp, sftp), or COMMAND.",
                "When the agent cannot record it the login goes on with a warning (stderr and syslog), unless"
                        + " the configuration says fail_closed: true. See docs/ssh.md."},
        footer = {"", "Exit: the shell's (or command's) own status; 1 login denied (fail_closed); 126/127 the shell"
                + " cannot be started."})
public final class SessionCommand implements Callable<Integer> {
    static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(5);

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration (default $CHANGEGRAPH_CONFIG, else /etc/changegraph/config.yaml)")
    Path config;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "run this instead of the login shell, after '--'")
    List<String> command = new ArrayList<>();

    /** What the wrapper becomes: a path, its argv (argv[0] may be "-bash" for a login shell). */
    record Target(String path, List<String> argv, List<String> recorded) {
    }

    @Override
    public Integer call() {
        PrintStream err = System.err;
        AgentConfig settings;
        try {
            settings = AgentConfig.load(config);
        } catch (UsageException e) {
            // a broken configuration must not lock everybody out: record if possible, else fail open
            // (and fail_closed: true still denies, if the broken file says so in a line of its own)
            boolean failClosed = AgentConfig.saysFailClosed(config);
            err.println("changegraph: warning: " + TerminalText.line(e.getMessage()) + "; using the defaults"
                    + (failClosed ? " with fail_closed: true" : ""));
            AgentConfig d = AgentConfig.defaults();
            settings = new AgentConfig(d.socket(), d.store(), failClosed, d.retentionDays(), d.flushInterval(), null,
                    d.cpu(), null, d.limits());
        } catch (RuntimeException e) {
            err.println("changegraph: warning: the configuration cannot be read (" + TerminalText.line(String.valueOf(e))
                    + "); using the defaults");
            settings = AgentConfig.defaults();
        }
        Map<String, String> env = System.getenv();
        Target target = target(command, env.get("SSH_ORIGINAL_COMMAND"), loginShell(Host.currentUid()));
        long pid = ProcessHandle.current().pid();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("op", "register");
        request.put("pid", pid);
        request.put("tty", tty());
        request.put("ssh_connection", env.getOrDefault("SSH_CONNECTION", ""));
        request.put("command", target.recorded());
        String problem;
        String id = null;
        try {
            JsonNode answer = new AgentClient(settings.socket(), REGISTER_TIMEOUT).call(request);
            if (answer.path("ok").asBoolean(false)) {
                id = answer.path("session").asText();
                problem = null;
            } else {
                problem = "the agent refused to record it: " + answer.path("error").asText("no reason given");
            }
        } catch (AgentClient.Unreachable e) {
            problem = e.getMessage();
        }
        if (problem != null) {
            if (settings.failClosed()) {
                syslog("err", "login of uid " + Host.currentUid() + " denied (fail_closed): session not recorded: " + problem);
                err.println("changegraph: login denied: this host records every session and cannot record this one ("
                        + TerminalText.line(problem) + ")");
                return 1;
            }
            syslog("warning", "session of uid " + Host.currentUid() + " pid " + pid + " is NOT recorded: " + problem);
            err.println("changegraph: warning: this session is NOT recorded (" + TerminalText.line(problem) + ")");
        } else if (!isFileTransfer(env.get("SSH_ORIGINAL_COMMAND"))) {
            err.println("changegraph: this session is recorded (session " + TerminalText.line(id) + ")");
        }
        err.flush();
        System.out.flush();
        List<String> environment = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
        LibC.NativeException failure = LibC.execve(target.path(), target.argv(), environment);
        err.println("changegraph: cannot start " + target.path() + ": " + failure.getMessage());
        return failure.errno == 2 ? 127 : 126;
    }

    /** `-- COMMAND` as given; else the login shell running SSH_ORIGINAL_COMMAND; else the login shell. */
    static Target target(List<String> command, String original, String shell) {
        if (!command.isEmpty()) {
            return new Target(onPath(command.getFirst()), command, command);
        }
        String name = Path.of(shell).getFileName().toString();
        if (original != null) {
            String cmd = original.strip().equals("internal-sftp") && Files.isExecutable(SFTP_SERVER)
                    ? SFTP_SERVER.toString() : original;
            return new Target(shell, List.of(name, "-c", cmd), List.of(name, "-c", cmd));
        }
        return new Target(shell, List.of("-" + name), List.of("-" + name));
    }

    private static final Path SFTP_SERVER = Path.of("/usr/lib/openssh/sftp-server");

    /** scp, sftp and rsync speak a protocol on stdout/stderr: no notice for them (they are still recorded). */
    static boolean isFileTransfer(String original) {
        if (original == null) {
            return false;
        }
        String first = original.strip().split("\\s+")[0];
        String name = first.substring(first.lastIndexOf('/') + 1);
        return name.equals("scp") || name.equals("sftp-server") || name.equals("internal-sftp")
                || name.equals("rsync") && original.contains("--server");
    }

    static String onPath(String name) {
        if (name.contains("/")) {
            return name;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p.toString();
            }
        }
        return name;
    }

    /** The uid's shell from /etc/passwd; /bin/sh when it has none. */
    public static String loginShell(int uid) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && f[2].equals(Integer.toString(uid)) && !f[6].isBlank()) {
                    return f[6];
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "/bin/sh";
    }

    private static String tty() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return link.startsWith("/dev/pts/") || link.startsWith("/dev/tty") ? link : "";
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    private static void syslog(String priority, String message) {
        try {
            Process logger = new ProcessBuilder("logger", "-t", "changegraph", "-p", "authpriv." + priority, message)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            logger.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException e) {
            // no logger(1): the terminal warning is all there is
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
