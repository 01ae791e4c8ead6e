package io.changegraph.forward;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A fleet CA, a hub certificate for 127.0.0.1 and host certificates, made with openssl as an operator would. */
final class TestCerts {
    final Path dir;

    TestCerts(Path dir) {
        this.dir = dir;
    }

    /** A CA named {@code name}: NAME.crt, NAME.key. */
    TestCerts ca(String name) throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=" + name, "-keyout", dir.resolve(name + ".key").toString(),
                "-out", dir.resolve(name + ".crt").toString());
        return this;
    }

    /** A certificate NAME.crt / NAME.key with CN=NAME signed by {@code ca}; {@code keyType}: ec or rsa:2048. */
    TestCerts leaf(String ca, String name, String keyType, String san) throws IOException, InterruptedException {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        List<String> req = new ArrayList<>(List.of("req", "-new", "-newkey", keyType, "-nodes", "-subj", "/CN=" + name,
                "-keyout", key.toString(), "-out", csr.toString()));
        if (keyType.equals("ec")) {
            req.addAll(4, List.of("-pkeyopt", "ec_paramgen_curve:prime256v1"));
        }
        openssl(req.toArray(String[]::new));
        Path ext = Files.writeString(dir.resolve(name + ".ext"), san == null ? "basicConstraints=CA:FALSE\n"
                : "basicConstraints=CA:FALSE\nsubjectAltName=" + san + "\n");
        openssl("x509", "-req", "-in", csr.toString(), "-CA", dir.resolve(ca + ".crt").toString(), "-CAkey",
                dir.resolve(ca + ".key").toString(), "-CAcreateserial", "-days", "2", "-extfile", ext.toString(),
                "-out", dir.resolve(name + ".crt").toString());
        return this;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    void openssl(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("openssl"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).directory(dir.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }
}
