package io.changegraph.hub;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Verb;
import io.changegraph.repository.store.EventJson;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sessions and journal events as an agent pushes them (built with the repository's own writers). */
final class FleetData {
    static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");

    private FleetData() {
    }

    static SessionRecord session(String host, String id, int uid, String user, List<String> command, Instant started,
                                 SessionRecord.State state, long events) {
        return new SessionRecord(id, host, user, uid, 4242, 1_000_000L, "", "/dev/pts/1", command, started,
                state == SessionRecord.State.LIVE ? null : started.plusSeconds(30), state, new Stats(events, 0, 0), 0);
    }

    static SessionRecord session(String host, String id) {
        return session(host, id, 0, "root", List.of("examples/deploy.sh", "--env", "canary"), T0,
                SessionRecord.State.LIVE, 0);
    }

    /** Event {@code seq} of a session: a write to a file named after the seq, so each is distinct. */
    static String event(long seq) {
        ProcessNode sh = new ProcessNode(4242, 1_000_000L, 1, "/usr/bin/bash", List.of("bash", "deploy.sh"), "/root",
                0, 0, null, null, true, T0, null);
        return EventJson.toLine(new Event(T0.plusMillis(seq), sh, Verb.WRITE, FileRef.of("/srv/app/file-" + seq),
                1, 100 + seq, 0, null));
    }

    static List<String> events(long first, int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(event(first + i));
        }
        return out;
    }

    /** An ingest body as JSON text: the session record, first_seq and the events (already JSON). */
    static String batch(SessionRecord session, long firstSeq, List<String> events) {
        return batch(session, firstSeq, events, null);
    }

    static String batch(SessionRecord session, long firstSeq, List<String> events, String extra) {
        StringBuilder body = new StringBuilder(events.size() * 300 + 1024);
        body.append("{\"session\":").append(Json.write(SessionStore.toMap(session)))
                .append(",\"first_seq\":").append(firstSeq).append(",\"events\":[");
        for (int i = 0; i < events.size(); i++) {
            body.append(i == 0 ? "" : ",").append(events.get(i));
        }
        body.append(']');
        if (extra != null) {
            body.append(',').append(extra);
        }
        return body.append('}').toString();
    }

    static Map<String, Object> severityAlert(String severity) {
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("rule", "test." + severity);
        alert.put("severity", severity);
        alert.put("description", "a " + severity + " alert");
        return alert;
    }
}
