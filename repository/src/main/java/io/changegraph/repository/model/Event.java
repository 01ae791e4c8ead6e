package io.changegraph.repository.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One subject-verb-object behaviour, as the consumer decodes it from kernel records.
 *
 * <p>{@code detail} carries the verb's argument where it has one: the new path of a rename, the
 * target of a symlink, the existing path of a link, the mode of a chmod ({@code 0644}), uid:gid of a
 * chown, the signal name of a signal, the open flags ({@code read,write,create,truncate}), the exit
 * status of an exit. Null when there is none.
 *
 * @param count  how many calls this event stands for (aggregated reads/writes carry more than one)
 * @param bytes  bytes moved (read/write/send/recv), else 0
 * @param failed how many of {@code count} calls failed
 * @param net    what the network told about a connection to a remote object (TCP outcome, HTTP request, TLS
 *               server name, the remote's names), or null. An event with evidence may have count 0 (it
 *               annotates the edge without being a call) and then at most one failure (a connect refused or
 *               timed out after a non-blocking connect returned EINPROGRESS)
 */
public record Event(Instant time, ProcessNode subject, Verb verb, ObjectRef object, long count, long bytes,
                    long failed, String detail, NetEvidence net) {
    public Event {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(verb, "verb");
        Objects.requireNonNull(object, "object");
        if (!kindMatches(verb.objectKind(), object)) {
            throw new IllegalArgumentException(verb.wireName() + " takes a " + verb.objectKind().name().toLowerCase(
                    java.util.Locale.ROOT) + " object, not " + object.getClass().getSimpleName());
        }
        if (net != null && !(object instanceof RemoteNode)) {
            throw new IllegalArgumentException("network evidence on a " + object.getClass().getSimpleName());
        }
        long minCount = net == null ? 1 : 0;
        if (count < minCount || bytes < 0 || failed < 0 || failed > Math.max(count, 1 - minCount)) {
            throw new IllegalArgumentException("impossible counters count=" + count + " bytes=" + bytes
                    + " failed=" + failed);
        }
    }

    public Event(Instant time, ProcessNode subject, Verb verb, ObjectRef object, long count, long bytes,
                 long failed, String detail) {
        this(time, subject, verb, object, count, bytes, failed, detail, null);
    }

    /** Evidence about the connections of {@code subject} to {@code remote}: count 0, {@code failed} connects. */
    public static Event evidence(Instant time, ProcessNode subject, RemoteNode remote, boolean failed, NetEvidence net) {
        return new Event(time, subject, Verb.CONNECT, remote, 0, 0, failed ? 1 : 0, null,
                java.util.Objects.requireNonNull(net, "net"));
    }

    public static Event once(Instant time, ProcessNode subject, Verb verb, ObjectRef object, boolean failed,
                             String detail) {
        return new Event(time, subject, verb, object, 1, 0, failed ? 1 : 0, detail);
    }

    private static boolean kindMatches(Verb.ObjectKind kind, ObjectRef object) {
        return switch (kind) {
            case PROCESS, SELF -> object instanceof ProcessNode;
            case FILE -> object instanceof FileRef;
            case REMOTE -> object instanceof RemoteNode;
            case MODULE -> object instanceof ModuleNode;
        };
    }
}
