package io.changegraph.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.changegraph.repository.model.ProcessNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON lines alert log: one line per hit, appended and flushed by the dispatch thread. */
final class AlertLog implements AutoCloseable {
    private final BufferedWriter writer;

    private AlertLog(BufferedWriter writer) {
        this.writer = writer;
    }

    static AlertLog open(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new AlertLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND));
    }

    void append(Hit hit) throws IOException {
        writer.write(line(hit));
        writer.newLine();
    }

    void flush() throws IOException {
        writer.flush();
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }

    /** One hit as a JSON object: the fields of the alert plus the session, subject and ancestry. */
    static Map<String, Object> json(Hit hit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("session", hit.sessionId());
        out.put("rule", hit.rule().id());
        out.put("severity", hit.rule().severity().wireName());
        out.put("description", hit.alert().description());
        out.put("time", hit.alert().time().toString());
        out.put("verb", hit.action());
        out.put("object", hit.object());
        out.put("failed", hit.failed());
        out.put("count", hit.count());
        out.put("subject", process(hit.subject()));
        List<Map<String, Object>> ancestry = new ArrayList<>();
        hit.ancestry().forEach(p -> ancestry.add(process(p)));
        out.put("ancestry", ancestry);
        out.put("chain", hit.chain());
        if (hit.alert().node() != null) {
            out.put("node", hit.alert().node());
        } else {
            Map<String, Object> edge = new LinkedHashMap<>();
            edge.put("source", hit.alert().edgeSource());
            edge.put("verb", hit.verb().wireName());
            edge.put("target", hit.alert().edgeTarget());
            out.put("edge", edge);
        }
        return out;
    }

    static String line(Hit hit) throws JsonProcessingException {
        return Json.MAPPER.writeValueAsString(json(hit));
    }

    private static Map<String, Object> process(ProcessNode p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", p.id());
        out.put("pid", p.pid());
        out.put("exe", p.exe());
        out.put("argv", p.argv());
        out.put("uid", p.uid());
        out.put("euid", p.euid());
        return out;
    }
}
