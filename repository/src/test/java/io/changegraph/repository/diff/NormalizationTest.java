package io.changegraph.repository.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changegraph.repository.model.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NormalizationTest {
    private static final Session ALICE = new Session("s", "build-07.example.net", "alice", 1, List.of(), null, null);

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            /home/alice/app/conf                  | ~/app/conf
            /root/.bashrc                         | ~/.bashrc
            /root                                 | ~
            /rootfs/etc                           | /rootfs/etc
            --prefix=/home/bob/.local             | --prefix=~/.local
            /tmp/tmp.Xy3kQ9aB1c/app.tar           | /tmp/tmp.<tmp>/app.tar
            /var/lib/app/tmp.AbCdEf1234           | /var/lib/app/tmp.<tmp>
            /tmp/cg-work.k2J9sQ                   | /tmp/cg-work.<tmp>
            /tmp/cg-work.k2J9sQ/out.Zz81aB        | /tmp/cg-work.<tmp>/out.<tmp>
            /tmp/report.tar.gz                    | /tmp/report.tar.gz
            /etc/app.config1                      | /etc/app.config1
            /etc/sedAb12Cd                        | /etc/sed<tmp>
            /etc/sedation.conf                    | /etc/sedation.conf
            /tmp/tmpk2_9xq0a                      | /tmp/tmp<tmp>
            /proc/4242/status                     | /proc/<pid>/status
            /proc/4242/task/4243/comm             | /proc/<pid>/comm
            /proc/self/status                     | /proc/self/status
            /run/user/1000/bus                    | /run/user/<uid>/bus
            /var/mail/alice                       | /var/mail/<user>
            alice@build-07.example.net:/srv       | <user>@<host>:/srv
            ssh build-07 uptime                   | ssh <host> uptime
            /srv/malice/data                      | /srv/malice/data
            /var/cache/apt/archives/partial/.apt-acquire-privs-test.jlxmge | /var/cache/apt/archives/partial/.apt-acquire-privs-test.<tmp>
            /etc/ssl/certs/ca.BS4Kuf              | /etc/ssl/certs/ca.<tmp>
            /var/lib/app/state.pt5s6x             | /var/lib/app/state.<tmp>
            /usr/share/doc/app/README.Debian      | /usr/share/doc/app/README.Debian
            /etc/systemd/system/multi-user.target | /etc/systemd/system/multi-user.target
            /etc/app/main.conf12                  | /etc/app/main.conf12
            /etc/.bashrc.d/x                      | /etc/.bashrc.d/x
            /lib/x86_64-linux-gnu/libc.so.6       | /lib/x86_64-linux-gnu/libc.so.6
            /usr/bin/app.dpkg-new                 | /usr/bin/app.dpkg-<tmp>
            /etc/app.conf.dpkg-old                | /etc/app.conf.dpkg-<tmp>
            /etc/app.conf.dpkg-dist               | /etc/app.conf.dpkg-dist
            /etc/.app.conf.swp                    | /etc/.app.conf.<swap>
            /etc/.app.conf.swo                    | /etc/.app.conf.<swap>
            root@vm.4242:1733467651               | root@vm.<pid>:<boot>
            @1796537651                           | @<time>
            --date=@1796537651                    | --date=@<time>
            user@example.com                      | user@example.com
            /dev/pts/3                            | /dev/pts/<n>
            """)
    void defaults_rewriteRunSpecificNames(String recorded, String normalised) {
        assertThat(Normalization.defaults().forSession(ALICE).apply(recorded)).isEqualTo(normalised);
    }

    @Test
    void defaults_leaveTheRootUserNameAlone() {
        Session root = new Session("s", "", "root", 1, List.of(), null, null);

        assertThat(Normalization.defaults().forSession(root).apply("chown root:root /etc/x")).isEqualTo("chown root:root /etc/x");
    }

    @Test
    void none_changesNothing() {
        assertThat(Normalization.none().forSession(ALICE).apply("/home/alice/tmp.Xy3kQ9aB1c")).isEqualTo("/home/alice/tmp.Xy3kQ9aB1c");
    }

    @Test
    void load_yamlWithDisabledDefaultAndExtraRule() throws IOException {
        Path file = dir.resolve("normalize.yaml");
        Files.writeString(file, """
                disable: [proc-pid]
                session_names: false
                rules:
                  - name: build-number
                    pattern: '/var/cache/app/[0-9]+'
                    replacement: '/var/cache/app/<n>'
                """);

        Normalizer normalizer = Normalization.load(file).forSession(ALICE);

        assertThat(normalizer.apply("/var/cache/app/1234/x")).isEqualTo("/var/cache/app/<n>/x");
        assertThat(normalizer.apply("/proc/42/status")).isEqualTo("/proc/42/status");
        assertThat(normalizer.apply("/var/mail/alice")).isEqualTo("/var/mail/alice");
        assertThat(normalizer.apply("/home/alice/x")).isEqualTo("~/x");
    }

    @Test
    void load_jsonWithoutDefaults_hasOnlyItsRules() throws IOException {
        Path file = dir.resolve("normalize.json");
        Files.writeString(file, "{\"defaults\": false, \"rules\": [{\"pattern\": \"v[0-9]+\", \"replacement\": \"v<n>\"}]}");

        Normalization normalization = Normalization.load(file);

        assertThat(normalization.rules()).extracting(NormalizationRule::name).containsExactly("rule 1");
        assertThat(normalization.forSession(ALICE).apply("/home/alice/app-v12")).isEqualTo("/home/<user>/app-v<n>");
    }

    @Test
    void load_pidAndPortSwitches_defaultOn_canBeTurnedOff() throws IOException {
        Path on = dir.resolve("on.yaml");
        Files.writeString(on, "rules: []\n");
        Path off = dir.resolve("off.yaml");
        Files.writeString(off, "session_pids: false\nephemeral_ports: false\n");

        assertThat(Normalization.load(on)).isEqualTo(Normalization.defaults());
        assertThat(Normalization.load(off)).isEqualTo(new Normalization(Normalization.DEFAULT_RULES, true, false, false));
    }

    @Test
    void load_withoutBuiltIns_keepsOnlyTheFilesRules() throws IOException {
        Path file = dir.resolve("own.yaml");
        Files.writeString(file, "defaults: true\nrules:\n  - name: n\n    pattern: 'v[0-9]+'\n    replacement: 'v<n>'\n");

        Normalization normalization = Normalization.load(file, false);

        assertThat(normalization).isEqualTo(new Normalization(List.of(new NormalizationRule("n", "v[0-9]+", "v<n>")), false,
                false, false));
        assertThat(normalization.forSession(ALICE).apply("/home/alice/app-v12")).isEqualTo("/home/alice/app-v<n>");
    }

    @Test
    void load_badFiles_areOneLineErrors() throws IOException {
        Path badRegex = dir.resolve("bad.yaml");
        Files.writeString(badRegex, "rules:\n  - name: broken\n    pattern: '([a-z'\n");
        Path unknown = dir.resolve("unknown.yaml");
        Files.writeString(unknown, "disable: [tmp]\n");
        Path noPattern = dir.resolve("nopattern.yaml");
        Files.writeString(noPattern, "rules:\n  - replacement: x\n");

        assertThatThrownBy(() -> Normalization.load(badRegex)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(badRegex + ": rules[1]: rule 'broken': bad regex ([a-z");
        assertThatThrownBy(() -> Normalization.load(unknown))
                .hasMessageStartingWith(unknown + ": 'disable' names no built-in rule 'tmp' (built-in: home, mktemp");
        assertThatThrownBy(() -> Normalization.load(noPattern)).hasMessage(noPattern + ": rules[1]: missing 'pattern'");
        assertThatThrownBy(() -> Normalization.load(dir.resolve("absent.yaml")))
                .hasMessage("no such normalisation file " + dir.resolve("absent.yaml"));
    }
}
