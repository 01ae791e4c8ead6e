package io.changegraph.monitor;

import org.junit.jupiter.api.Test;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MatchersTest {
    private static final List<String> GLOBS = List.of("/etc/**", "/etc/*", "/etc/passwd", "**/.bash_history",
            "**/.ssh/id_{rsa,dsa,ecdsa,ed25519}", "/etc/cron.*/**", "**/xtables-*-multi", "**/.config/systemd/user/**",
            "/var/log/*.log", "/tmp/[abc]?/x", "**/iptables", "/etc/sudoers.d/**");
    private static final List<String> PATHS = List.of("/etc/passwd", "/etc/a/b", "/etc", "/etcetera/x",
            "/root/.bash_history", "/home/u/.bash_history.bak", "/root/.ssh/id_rsa", "/root/.ssh/id_rsa.pub",
            "/etc/cron.d/job", "/etc/crontab", "/usr/sbin/xtables-nft-multi", "/home/u/.config/systemd/user/a.service",
            "/var/log/syslog.log", "/var/log/a/b.log", "/tmp/ab/x", "/tmp/dz/x", "/usr/sbin/iptables",
            "/usr/sbin/ip6tables", "/etc/sudoers.d/90-users", "/", "<unresolved fd 7>/name");

    @Test
    void glob_prechecks_agreeWithJdkPathMatcher() {
        for (String pattern : GLOBS) {
            var jdk = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            Glob glob = Glob.of(pattern);
            for (String path : PATHS) {
                assertThat(glob.matches(path)).as(pattern + " on " + path).isEqualTo(jdk.matches(Path.of(path)));
            }
        }
    }

    @Test
    void cidr_containsOnlyItsNetwork_andNeverResolvesNames() {
        Cidr loopback = Cidr.parse("127.0.0.0/8");
        assertThat(loopback.contains(Cidr.literalOrNull("127.1.2.3"))).isTrue();
        assertThat(loopback.contains(Cidr.literalOrNull("128.0.0.1"))).isFalse();
        assertThat(Cidr.parse("::1/128").contains(Cidr.literalOrNull("::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(Cidr.literalOrNull("2001:db8:1::5"))).isTrue();
        assertThat(loopback.contains(Cidr.literalOrNull("::1"))).isFalse();
        assertThat(Cidr.literalOrNull("localhost")).isNull();
        assertThatThrownBy(() -> Cidr.parse("example.com")).hasMessageContaining("not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("not a number");
    }

    @Test
    void mode_readsOctalChmodDetails() {
        assertThat(ObjectMatcher.modeOf("4755") & 04000).isNotZero();
        assertThat(ObjectMatcher.modeOf("0644") & 0002).isZero();
        assertThat(ObjectMatcher.modeOf("u+s")).isZero();
        assertThat(ObjectMatcher.modeOf(null)).isZero();
    }
}
