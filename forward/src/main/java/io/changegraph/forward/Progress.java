package io.changegraph.forward;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.io.AtomicFile;
import io.changegraph.repository.io.JsonMappers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far one session has got to the hub, kept beside its journal ({@code sessions/ID/hub.json}, rewritten
 * atomically after every answer of the hub), so that a restarted agent resumes where it was.
 *
 * @param hub          the hub these figures are about (another hub starts over)
 * @param nextSeq      the hub holds events 0..nextSeq-1
 * @param offset       the journal offset just after event nextSeq-1
 * @param givenUp      the session's events beyond nextSeq are not forwarded (the backlog went over its bound)
 * @param unforwarded  how many events that left out, as last counted
 * @param graphSent    the hub has the session's final graph (or it was too big to send, and that was said)
 */
record Progress(String hub, long nextSeq, long offset, boolean givenUp, long unforwarded, boolean graphSent) {
    static final String FILE = "hub.json";

    Progress {
        if (nextSeq < 0 || offset < 0 || unforwarded < 0) {
            throw new IllegalArgumentException("negative progress: " + nextSeq + ", " + offset + ", " + unforwarded);
        }
    }

    static Progress start(String hub) {
        return new Progress(hub, 0, 0, false, 0, false);
    }

    Progress at(long seq, long newOffset) {
        return new Progress(hub, seq, newOffset, givenUp, unforwarded, graphSent);
    }

    Progress givenUp(long events) {
        return new Progress(hub, nextSeq, offset, true, events, graphSent);
    }

    Progress withGraphSent() {
        return new Progress(hub, nextSeq, offset, givenUp, unforwarded, true);
    }

    /** The progress stored in {@code dir} for {@code hub}; a fresh start when there is none or it is another hub's. */
    static Progress read(Path dir, String hub) {
        try {
            JsonNode json = JsonMappers.SORTED.readTree(Files.readString(dir.resolve(FILE)));
            if (!hub.equals(json.path("hub").asText())) {
                return start(hub);
            }
            return new Progress(hub, json.path("next_seq").asLong(), json.path("offset").asLong(),
                    json.path("events_given_up").asBoolean(), json.path("unforwarded_events").asLong(),
                    json.path("graph_sent").asBoolean());
        } catch (NoSuchFileException e) {
            return start(hub);
        } catch (IOException | RuntimeException e) {
            return start(hub);   // unreadable: the hub's own position (asked at start) corrects it
        }
    }

    void write(Path dir) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("hub", hub);
        json.put("next_seq", nextSeq);
        json.put("offset", offset);
        json.put("events_given_up", givenUp);
        json.put("unforwarded_events", unforwarded);
        json.put("graph_sent", graphSent);
        AtomicFile.writeString(dir.resolve(FILE), JsonMappers.SORTED.writeValueAsString(json) + "\n");
    }
}
