package io.changegraph.repository.model;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One remote endpoint the session talked to.
 *
 * @param id        the remote node id
 * @param endpoint  {@code address:port}
 * @param connects  connect attempts (all processes together)
 * @param failed    of those, how many failed
 * @param processes process node ids that connected (sorted)
 * @param names     the names the remote is known by (DNS answers, HTTP Host, TLS SNI; sorted, distinct)
 * @param refused   connections TCP saw refused (a reset answered the SYN), from the edges' {@code tcp}
 * @param timedOut  connections TCP saw time out, from the edges' {@code tcp}
 */
public record RemoteUse(String id, String endpoint, long connects, long failed, List<String> processes,
                        List<String> names, long refused, long timedOut) {
    public RemoteUse {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(endpoint, "endpoint");
        if (connects < 0 || failed < 0 || refused < 0 || timedOut < 0) {
            throw new IllegalArgumentException("negative counts on remote " + id);
        }
        processes = processes == null ? List.of() : processes.stream().distinct().sorted().toList();
        names = names == null ? List.of() : List.copyOf(new TreeSet<>(names));
    }

    public RemoteUse(String id, String endpoint, long connects, long failed, List<String> processes) {
        this(id, endpoint, connects, failed, processes, List.of(), 0, 0);
    }

    /** The endpoint followed by its names, {@code 10.1.2.3:443 (api.internal)}. */
    public String endpointWithNames() {
        return names.isEmpty() ? endpoint : endpoint + " (" + String.join(", ", names) + ")";
    }
}
