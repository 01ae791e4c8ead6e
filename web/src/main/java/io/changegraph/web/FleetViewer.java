package io.changegraph.web;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.util.Objects;

/**
 * The viewer on the fleet hub's server: the same pages and session API as {@code changegraph serve}
 * ({@code /graph.html}, {@code /api/sessions/{id}/graph|view|search|alerts}, {@code /api/diff}), sessions read from
 * a {@link SessionSource} instead of graph files, plus the fleet pages ({@code /fleet.html}: every host's sessions
 * with a host filter, {@code /fleet.html?host=H}: one host's, {@code /fleet-diff.html}: a canary against production
 * hosts), which read the hub's {@code /api/v1/fleet/...} API.
 *
 * <p>The hub authenticates every request with {@link TokenAuth#check} before these handlers run, and a session is
 * answered only when {@link WebUser#maySee} (admin and auditor: every host; user: sessions whose owner uid is theirs),
 * else 404 exactly like an unknown id.
 */
public final class FleetViewer implements AutoCloseable {
    private final JavalinWebServer viewer;
    private final SessionCatalog catalog;

    private FleetViewer(JavalinWebServer viewer, SessionCatalog catalog) {
        this.viewer = viewer;
        this.catalog = catalog;
    }

    /** Adds the viewer's static pages and WebJars to a Javalin being created ({@code Javalin.create(config -> ...)}). */
    public static void configure(JavalinConfig javalin) {
        JavalinWebServer.staticFiles(javalin);
    }

    /** Adds the viewer's GET routes to {@code app}; close the answer when the server stops. */
    public static FleetViewer mount(Javalin app, SessionSource source) {
        Objects.requireNonNull(app, "app");
        SessionCatalog catalog = new SourceCatalog(Objects.requireNonNull(source, "source"));
        return new FleetViewer(new JavalinWebServer(app, catalog), catalog);
    }

    /** Stops the viewer's live-stream pinger and drops cached graphs; the server itself is the hub's to stop. */
    @Override
    public void close() {
        viewer.closeMounted();
        catalog.close();
    }
}
