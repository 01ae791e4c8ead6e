package io.changegraph.monitor;

import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.ObjectRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;

import java.util.ArrayList;
import java.util.List;

/**
 * One rule hit with everything a person on duty needs: the graph annotation ({@link Alert}), the
 * session, the subject and its ancestry, the object as text.
 *
 * @param session  the session's facts (host, user, SSH client, ...)
 * @param ancestry the subject's ancestors, parent first
 * @param verb     the event's verb; null for a behaviour rule's hit
 */
record Hit(SessionFacts session, Rule rule, Alert alert, ProcessNode subject, List<ProcessNode> ancestry,
           Verb verb, String object, boolean failed, long count) {

    Hit {
        ancestry = List.copyOf(ancestry);
    }

    String sessionId() {
        return session.id();
    }

    /** The event's verb, or {@code behaviour} for a hit of a behaviour rule (its object names the kind). */
    String action() {
        return verb == null ? "behaviour" : verb.wireName();
    }

    /** {@code bash[100] > sudo[101] > rm[102]}: root first, the subject last. */
    String chain() {
        List<String> parts = new ArrayList<>();
        for (ProcessNode p : ancestry.reversed()) {
            parts.add(label(p));
        }
        parts.add(label(subject));
        return String.join(" > ", parts);
    }

    String commandLine() {
        return subject.argv().isEmpty() ? subject.exe() : String.join(" ", subject.argv());
    }

    static String label(ProcessNode p) {
        String exe = p.exe().isEmpty() ? "?" : p.exe().substring(p.exe().lastIndexOf('/') + 1);
        return exe + "[" + p.pid() + "]";
    }

    /** The object as a person reads it: a path (with the rename target), address:port, pid, module. */
    static String describe(ObjectRef object, Verb verb, String detail) {
        String text = switch (object) {
            case FileRef file -> file.path();
            case RemoteNode remote -> remote.family().equals("unix") ? "unix:" + remote.address()
                    : remote.family().equals("ipv6") ? "[" + remote.address() + "]:" + remote.port()
                    : remote.address() + ":" + remote.port();
            case ProcessNode process -> label(process);
            case ModuleNode module -> module.path().isEmpty() ? "module " + module.name()
                    : "module " + module.name() + " (" + module.path() + ")";
        };
        if (detail == null || detail.isEmpty()) {
            return text;
        }
        return verb.detailIsPath() ? text + " -> " + detail : text + " (" + detail + ")";
    }
}
