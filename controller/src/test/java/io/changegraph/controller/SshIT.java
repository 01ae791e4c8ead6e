package io.changegraph.controller;

import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.store.SessionRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How users run it: a real OpenSSH sshd (Debian openssh-server) on a loopback port with key auth and
 * {@code ForceCommand changegraph session}, a real ssh/scp client, a real agent.
 */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class SshIT {
    private static final Path SSHD = Path.of("/usr/sbin/sshd");

    @TempDir
    Path dir;

    private String user;
    private Process sshd;
    private int port;
    private AgentProcess agent;

    @BeforeEach
    void startSshd() throws Exception {
        if (!Files.isExecutable(SSHD)) {
            // CI images may lack it; installing is what an admin would do too
            run(Map.of("DEBIAN_FRONTEND", "noninteractive"), "apt-get", "install", "-y", "-qq", "openssh-server");
        }
        agent = new AgentProcess(dir, "").start();
        user = "cgssh" + (System.nanoTime() % 100000);
        run(Map.of(), "useradd", "-m", "-s", "/bin/bash", user);
        run(Map.of(), "usermod", "-p", "*", user);   // no password, but not locked (sshd refuses locked accounts)
        Path home = Path.of("/home", user);
        run(Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("hostkey").toString());
        run(Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("clientkey").toString());
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Files.copy(dir.resolve("clientkey.pub"), ssh.resolve("authorized_keys"));
        run(Map.of(), "chown", "-R", user + ":" + user, ssh.toString());
        run(Map.of(), "chmod", "700", ssh.toString());
        run(Map.of(), "chmod", "600", ssh.resolve("authorized_keys").toString());
        Files.createDirectories(Path.of("/run/sshd"));
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("hostkey"),
                "PidFile " + dir.resolve("sshd.pid"), "AuthorizedKeysFile .ssh/authorized_keys",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "PermitRootLogin no",
                "Subsystem sftp internal-sftp", "SetEnv CHANGEGRAPH_CONFIG=" + agent.config,
                "ForceCommand " + Recording.launcher() + " session", ""));
        sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile()).start();
        AgentProcess.await("sshd listening on " + port, this::listening, 30);
    }

    @AfterEach
    void stop() throws Exception {
        if (sshd != null) {
            sshd.destroy();
            sshd.waitFor(10, TimeUnit.SECONDS);
        }
        if (agent != null) {
            agent.close();
        }
        if (user != null) {
            new ProcessBuilder("pkill", "-KILL", "-u", user).start().waitFor();
            run(Map.of(), "userdel", "-r", user);
        }
    }

    @Test
    void sshHostCommand_throughForceCommand_isRecordedAsTheUsersSession() throws Exception {
        Path file = Path.of("/home", user, "via-sshd");
        AgentProcess.Result r = AgentProcess.run(new ProcessBuilder(ssh("ssh", "-p", Integer.toString(port),
                user + "@127.0.0.1", "echo hello > " + file + "; cat " + file)));
        assertThat(r.exitCode()).as(r.stderr() + sshdLog()).isZero();
        assertThat(r.stdout()).isEqualTo("hello\n");
        String id = r.sessionId();
        GraphDocument g = agent.endedGraph(id);
        SessionRecord record = agent.record(id);
        assertThat(record.user()).isEqualTo(user);
        assertThat(record.client()).startsWith("127.0.0.1 ").endsWith(" 127.0.0.1 " + port);
        assertThat(record.command()).containsExactly("bash", "-c", "echo hello > " + file + "; cat " + file);
        assertThat(g.nodes()).filteredOn(FileNode.class::isInstance).map(FileNode.class::cast)
                .extracting(FileNode::path).contains(file.toString());
    }

    @Test
    void interactiveLogin_withATerminal_isTheLoginShell_withItsTty() throws Exception {
        Path file = Path.of("/home", user, "typed");
        ProcessBuilder pb = new ProcessBuilder(ssh("ssh", "-tt", "-p", Integer.toString(port), user + "@127.0.0.1"));
        Path input = Files.writeString(dir.resolve("typed.txt"), "echo typed > " + file + "\nexit\n");
        AgentProcess.Result r = AgentProcess.run(pb.redirectInput(input.toFile()));
        assertThat(file).as(r.stdout() + r.stderr() + sshdLog()).hasContent("typed");
        String id = r.sessionId();
        agent.endedGraph(id);
        SessionRecord record = agent.record(id);
        assertThat(record.command()).containsExactly("-bash");
        assertThat(record.tty()).startsWith("/dev/pts/");
        assertThat(record.user()).isEqualTo(user);
    }

    @Test
    void scpUpload_throughForceCommand_worksWithoutNotice_andIsRecorded() throws Exception {
        Path local = Files.writeString(dir.resolve("upload.txt"), "payload\n");
        Path remote = Path.of("/home", user, "uploaded.txt");
        AgentProcess.Result r = AgentProcess.run(new ProcessBuilder(ssh("scp", "-P", Integer.toString(port),
                local.toString(), user + "@127.0.0.1:" + remote)));
        assertThat(r.exitCode()).as(r.stderr() + sshdLog()).isZero();
        assertThat(remote).hasContent("payload");
        assertThat(r.stderr()).doesNotContain("changegraph");
        AgentProcess.await("the scp session ended", () -> agent.store.list(p -> { }).stream()
                .anyMatch(s -> s.state() == SessionRecord.State.ENDED), 30);
        SessionRecord record = agent.store.list(p -> { }).getFirst();
        GraphDocument g = agent.store.rebuild(record, w -> { });
        assertThat(g.nodes()).filteredOn(FileNode.class::isInstance).map(FileNode.class::cast)
                .extracting(FileNode::path).contains(remote.toString());
    }

    private List<String> ssh(String program, String... args) {
        List<String> argv = new ArrayList<>(List.of(program, "-i", dir.resolve("clientkey").toString(),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR"));
        argv.addAll(List.of(args));
        return argv;
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String sshdLog() {
        try {
            return "\nsshd: " + Files.readString(dir.resolve("sshd.log")) + "\nagent: " + agent.log();
        } catch (IOException e) {
            return "";
        }
    }

    private static void run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
    }
}
