package io.changegraph.controller.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;
import java.util.Set;

/**
 * The agent configuration's operational sections (docs/ops.md): {@code protection:} ({@link ProtectionSettings})
 * and {@code metrics:} ({@link MetricsSettings}).
 */
public record OpsSettings(ProtectionSettings protection, MetricsSettings metrics) {
    static final Set<String> KEYS = Set.of("protection", "metrics");
    public static final OpsSettings DEFAULTS = new OpsSettings(ProtectionSettings.DEFAULTS, MetricsSettings.OFF);

    public OpsSettings {
        Objects.requireNonNull(protection, "protection");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** The sections of the configuration's root object. */
    static OpsSettings parse(JsonNode root) {
        return new OpsSettings(ProtectionSettings.parse(root.get("protection")), MetricsSettings.parse(root.get("metrics")));
    }
}
