package io.changegraph.controller;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Kernel tests need root. Locally without root they are skipped with a reason; under CI=true a
 * missing privilege fails them (a skipped kernel test in CI is a failure, not a pass).
 */
public final class RequiresRoot implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
        if (!root) {
            String why = "kernel tests need root (real eBPF)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why + ", and CI=true forbids skipping them");
            }
            Assumptions.abort(why + "; skipped locally");
        }
    }
}
