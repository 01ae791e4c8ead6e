package io.changegraph.forward;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.io.YamlReader;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HubSettingsTest {
    private static HubSettings parse(String yaml) {
        JsonNode root = YamlReader.readTree(yaml, "config.yaml");
        return HubSettings.parse(root.get("hub"), Path.of("/etc/changegraph"));
    }

    @Test
    void parse_flowRecord_relativeFilesAreTheConfigDirectorys() {
        HubSettings s = parse("hub: {url: https://hub:7443/, cert: host.crt, key: /secure/host.key, ca: fleet-ca.crt,"
                + " backlog_mb: 64}\n");
        assertThat(s.url()).isEqualTo(URI.create("https://hub:7443"));
        assertThat(s.cert()).isEqualTo(Path.of("/etc/changegraph/host.crt"));
        assertThat(s.key()).isEqualTo(Path.of("/secure/host.key"));
        assertThat(s.ca()).isEqualTo(Path.of("/etc/changegraph/fleet-ca.crt"));
        assertThat(s.backlogBytes()).isEqualTo(64L << 20);
    }

    @Test
    void parse_withoutBacklog_is256MiB() {
        assertThat(parse("hub:\n  url: https://10.0.0.1:7443\n  cert: a\n  key: b\n  ca: c\n").backlogBytes())
                .isEqualTo(256L << 20);
    }

    @Test
    void parse_badValues_areOneLineNamingTheKey() {
        assertThatThrownBy(() -> parse("hub: {url: http://hub:7443, cert: a, key: b, ca: c}\n"))
                .hasMessage("hub: url must be https://HOST[:PORT], not 'http://hub:7443'");
        assertThatThrownBy(() -> parse("hub: {url: https://hub, key: b, ca: c}\n"))
                .hasMessage("hub: cert is missing (hub needs url, cert, key and ca)");
        assertThatThrownBy(() -> parse("hub: {url: https://hub, cert: a, key: b, ca: c, backlog_mb: 0}\n"))
                .hasMessage("hub: backlog_mb must be a whole number of MiB, at least 1");
        assertThatThrownBy(() -> parse("hub: {url: https://hub, cert: a, key: b, ca: c, certs: d}\n"))
                .hasMessage("hub: unknown key 'certs' (known: backlog_mb, ca, cert, key, url)");
        assertThatThrownBy(() -> parse("hub: https://hub\n"))
                .hasMessage("hub must be a section with url, cert, key and ca (see docs/fleet.md)");
        assertThatThrownBy(() -> parse("hub: {url: 'https://hub?x=1', cert: a, key: b, ca: c}\n"))
                .hasMessageContaining("without user, query or fragment");
    }
}
