package io.changegraph.controller.cli;

import io.changegraph.controller.UsageException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionCommandTest {
    @Test
    void target_noCommand_isTheLoginShellAsALoginShell() {
        SessionCommand.Target t = SessionCommand.target(List.of(), null, "/bin/bash");
        assertThat(t.path()).isEqualTo("/bin/bash");
        assertThat(t.argv()).containsExactly("-bash");
    }

    @Test
    void target_sshOriginalCommand_runsItWithTheLoginShell() {
        SessionCommand.Target t = SessionCommand.target(List.of(), "systemctl restart app && tail x", "/bin/zsh");
        assertThat(t.path()).isEqualTo("/bin/zsh");
        assertThat(t.argv()).containsExactly("zsh", "-c", "systemctl restart app && tail x");
        assertThat(t.recorded()).isEqualTo(t.argv());
    }

    @Test
    void target_explicitCommand_winsAndIsFoundOnPath() {
        SessionCommand.Target t = SessionCommand.target(List.of("sh", "-c", "true"), "ignored", "/bin/bash");
        assertThat(t.path()).endsWith("/sh").startsWith("/");
        assertThat(t.argv()).containsExactly("sh", "-c", "true");
    }

    @Test
    void isFileTransfer_scpSftpRsyncServer_getNoNotice() {
        assertThat(SessionCommand.isFileTransfer("scp -t /tmp")).isTrue();
        assertThat(SessionCommand.isFileTransfer("/usr/lib/openssh/sftp-server")).isTrue();
        assertThat(SessionCommand.isFileTransfer("internal-sftp")).isTrue();
        assertThat(SessionCommand.isFileTransfer("rsync --server -vlogDtpre.iLsfxC . /tmp")).isTrue();
        assertThat(SessionCommand.isFileTransfer("rsync -a a b")).isFalse();
        assertThat(SessionCommand.isFileTransfer("uptime")).isFalse();
        assertThat(SessionCommand.isFileTransfer(null)).isFalse();
    }

    @Test
    void since_acceptsTimesDatesAndAges_andRejectsTheRestInOneLine() {
        Instant now = Instant.parse("2026-11-21T20:00:00Z");
        assertThat(SessionQueries.since("2026-11-21T08:00:00Z", now)).isEqualTo(Instant.parse("2026-11-21T08:00:00Z"));
        assertThat(SessionQueries.since("2026-11-20", now)).isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
        assertThat(SessionQueries.since("30m", now)).isEqualTo(Instant.parse("2026-11-21T19:30:00Z"));
        assertThat(SessionQueries.since("7d", now)).isEqualTo(Instant.parse("2026-11-14T20:00:00Z"));
        assertThat(SessionQueries.since(null, now)).isNull();
        assertThatThrownBy(() -> SessionQueries.since("yesterday", now)).isInstanceOf(UsageException.class)
                .hasMessageContaining("--since 'yesterday'");
    }
}
