package io.changegraph.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Certificates made by {@code scripts/fleet-certs.sh}, as an operator makes them. */
record FleetCerts(Path dir) {
    static FleetCerts make(Path dir, String... hosts) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash",
                PostgresCluster.repo().resolve("scripts/fleet-certs.sh").toString(), dir.toString()));
        command.addAll(List.of(hosts));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("fleet-certs.sh failed: " + output);
        }
        return new FleetCerts(dir);
    }

    Path ca() {
        return dir.resolve("ca.crt");
    }

    Path hubCert() {
        return dir.resolve("hub.crt");
    }

    Path hubKey() {
        return dir.resolve("hub.key");
    }

    Path cert(String host) {
        return dir.resolve(host + ".crt");
    }

    Path key(String host) {
        return dir.resolve(host + ".key");
    }
}
