package io.changegraph.controller.cli;

import io.changegraph.controller.UsageException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the hub is and how to prove who we are, for every {@code changegraph fleet} subcommand (a picocli mixin):
 * the flags, else the environment ({@code CHANGEGRAPH_HUB}, {@code CHANGEGRAPH_HUB_CA}, {@code CHANGEGRAPH_HUB_TOKEN}).
 */
final class HubOptions {
    @Option(names = "--hub", paramLabel = "URL", description = "the hub, https://HOST:PORT (default $CHANGEGRAPH_HUB)")
    String hub;

    @Option(names = "--ca", paramLabel = "FILE", description = "the fleet CA certificate the hub's is checked against"
            + " (default $CHANGEGRAPH_HUB_CA, else the JVM's trusted CAs)")
    Path ca;

    @Option(names = "--token-env", paramLabel = "VAR", description = "read the access token from environment variable VAR"
            + " (default: CHANGEGRAPH_HUB_TOKEN when set)")
    String tokenEnv;

    @Option(names = "--token-file", paramLabel = "FILE", description = "read the access token from FILE (first line)")
    Path tokenFile;

    HubClient client() {
        return client(System.getenv());
    }

    HubClient client(Map<String, String> env) {
        String url = hub != null ? hub : env.get("CHANGEGRAPH_HUB");
        if (url == null || url.isBlank()) {
            throw new UsageException("no hub given: use --hub https://HOST:PORT or set CHANGEGRAPH_HUB");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new UsageException("the hub URL '" + url + "' is not a URL: give https://HOST:PORT");
        }
        Path caFile = ca != null ? ca : env.containsKey("CHANGEGRAPH_HUB_CA") ? Path.of(env.get("CHANGEGRAPH_HUB_CA")) : null;
        return new HubClient(uri, caFile, token(env));
    }

    private String token(Map<String, String> env) {
        if (tokenEnv != null && tokenFile != null) {
            throw new UsageException("give either --token-env or --token-file, not both");
        }
        if (tokenFile != null) {
            try {
                String token = Files.readAllLines(tokenFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
                if (token.isEmpty()) {
                    throw new UsageException("the token file " + tokenFile + " is empty");
                }
                return token;
            } catch (IOException e) {
                throw new UsageException("cannot read token file " + tokenFile + ": " + e.getMessage());
            }
        }
        String variable = tokenEnv != null ? tokenEnv : "CHANGEGRAPH_HUB_TOKEN";
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            if (tokenEnv != null) {
                throw new UsageException("environment variable " + tokenEnv + " is not set or empty");
            }
            return null;
        }
        return value.strip();
    }
}
