package io.changegraph.repository;

import java.util.List;
import java.util.Objects;

/**
 * One remote endpoint the session talked to.
 *
 * @param id        the remote node id
 * @param endpoint  {@code address:port}
 * @param connects  connect attempts (all processes together)
 * @param failed    of those, how many failed
 * @param processes process node ids that connected (sorted)
 */
public record RemoteUse(String id, String endpoint, long connects, long failed, List<String> processes) {
    public RemoteUse {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(endpoint, "endpoint");
        if (connects < 0 || failed < 0) {
            throw new IllegalArgumentException("negative counts on remote " + id);
        }
        processes = processes == null ? List.of() : processes.stream().distinct().sorted().toList();
    }
}
