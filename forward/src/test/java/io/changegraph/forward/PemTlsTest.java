package io.changegraph.forward;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemTlsTest {
    @TempDir
    static Path dir;
    static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = new TestCerts(dir).ca("ca").leaf("ca", "web-1", "ec", null).leaf("ca", "web-2", "rsa:2048", null);
        // OpenSSL's traditional formats, as older tooling writes them
        certs.openssl("pkey", "-in", "web-1.key", "-out", "web-1.sec1.key", "-traditional");
        certs.openssl("pkey", "-in", "web-2.key", "-out", "web-2.pkcs1.key", "-traditional");
        certs.openssl("pkcs8", "-topk8", "-in", "web-1.key", "-out", "web-1.enc.key", "-passout", "pass:x");
    }

    private static HubSettings settings(String cert, String key) {
        return new HubSettings(URI.create("https://hub:7443"), certs.file(cert), certs.file(key), certs.file("ca.crt"),
                1 << 20);
    }

    @Test
    void load_pkcs8AndTraditionalKeys_identityIsTheCertificatesCn() throws Exception {
        assertThat(Files.readString(certs.file("web-1.sec1.key"))).contains("BEGIN EC PRIVATE KEY");
        assertThat(Files.readString(certs.file("web-2.pkcs1.key"))).contains("BEGIN RSA PRIVATE KEY");
        assertThat(PemTls.load(settings("web-1.crt", "web-1.key")).identity()).isEqualTo("web-1");
        assertThat(PemTls.load(settings("web-1.crt", "web-1.sec1.key")).identity()).isEqualTo("web-1");
        assertThat(PemTls.load(settings("web-2.crt", "web-2.key")).identity()).isEqualTo("web-2");
        assertThat(PemTls.load(settings("web-2.crt", "web-2.pkcs1.key")).identity()).isEqualTo("web-2");
    }

    @Test
    void load_unusableFiles_areOneLineWithWhatToDo() {
        assertThatThrownBy(() -> PemTls.load(settings("missing.crt", "web-1.key")))
                .hasMessageStartingWith("hub: cert " + certs.file("missing.crt") + " does not exist");
        assertThatThrownBy(() -> PemTls.load(settings("web-1.crt", "web-1.enc.key")))
                .hasMessageContaining("is encrypted").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> PemTls.load(settings("web-1.crt", "web-1.crt")))
                .hasMessageContaining("has no PEM private key");
        assertThatThrownBy(() -> PemTls.load(settings("web-1.key", "web-1.key")))
                .hasMessageContaining("is not a PEM certificate");
    }
}
