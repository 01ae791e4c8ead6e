package io.changegraph.controller.cli;

import io.changegraph.controller.UsageException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The web token of {@code serve} and {@code hub}: {@code --token-env VAR} or {@code --token-file FILE} (its first line). */
final class TokenSource {
    private TokenSource() {
    }

    /** The token, or null when neither option was given. */
    static String read(String tokenEnv, Path tokenFile) {
        if (tokenEnv != null && tokenFile != null) {
            throw new UsageException("give either --token-env or --token-file, not both");
        }
        if (tokenEnv != null) {
            String value = System.getenv(tokenEnv);
            if (value == null || value.isBlank()) {
                throw new UsageException("environment variable " + tokenEnv + " is not set or empty");
            }
            return value.strip();
        }
        if (tokenFile != null) {
            try {
                return Files.readAllLines(tokenFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
            } catch (IOException e) {
                throw new UsageException("cannot read token file " + tokenFile + ": " + e.getMessage());
            }
        }
        return null;
    }
}
