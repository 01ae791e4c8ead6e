package io.changegraph.controller.config;

import io.changegraph.controller.UsageException;
import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.control.ControlSettings;

/** The {@code control:} section of config.yaml (the fleet's etcd, docs/control.md): {@link ControlSettings}. */
final class ControlConfig {
    private ControlConfig() {
    }

    /** The section's settings, null when it is absent. */
    static ControlSettings parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return ControlSettings.parse(node);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
