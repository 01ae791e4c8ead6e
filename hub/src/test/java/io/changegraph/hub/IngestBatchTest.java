package io.changegraph.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changegraph.repository.store.SessionRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestBatchTest {
    static final SessionRecord SESSION = FleetData.session("web1", "s-1");

    static IngestBatch parse(String json) {
        return IngestBatch.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parse_batchWithSummaryAlertsAndGraph_keepsEventsAndCountsSeverities() {
        String extra = "\"summary\":{\"behaviours\":[{},{},{}]},\"alerts\":[{\"severity\":\"critical\"},"
                + "{\"severity\":\"info\"},{\"severity\":\"info\"},{\"severity\":\"odd\"}],"
                + "\"graph\":{\"schema\":\"changegraph/v1\",\"session\":{\"id\":\"s-1\"},\"nodes\":[]}";
        IngestBatch batch = parse(FleetData.batch(SESSION, 7, FleetData.events(7, 3), extra));
        assertThat(batch.firstSeq()).isEqualTo(7);
        assertThat(batch.endSeq()).isEqualTo(10);
        assertThat(batch.events()).hasSize(3);
        assertThat(Json.read(batch.events().get(0))).isEqualTo(Json.read(FleetData.event(7)));
        assertThat(batch.behaviours()).isEqualTo(3);
        assertThat(batch.alertCounts()).isEqualTo(new IngestBatch.AlertCounts(1, 0, 2));
        assertThat(batch.graphGzip()).isNotEmpty();
        assertThat(batch.session().host()).isEqualTo("web1");
    }

    @Test
    void parse_badBodies_sayWhatIsWrongInOneLine() {
        assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> parse("{\"session\":{\"id\":\"../x\"},\"first_seq\":0,\"events\":[]}"))
                .hasMessageContaining("bad session record");
        assertThatThrownBy(() -> parse(FleetData.batch(SESSION, 0, List.of()).replace("\"first_seq\":0", "\"first_seq\":\"0\"")))
                .hasMessageContaining("first_seq");
        assertThatThrownBy(() -> parse(FleetData.batch(SESSION, 0, List.of("{\"verb\":\"write\"}"))))
                .hasMessageContaining("events[0] (seq 0)");
        assertThatThrownBy(() -> parse(FleetData.batch(SESSION, 0, List.of(), "\"graph\":{\"schema\":\"changegraph/v2\"}")))
                .hasMessageContaining("changegraph/v1");
        assertThatThrownBy(() -> parse(FleetData.batch(SESSION, 0, List.of(),
                "\"graph\":{\"schema\":\"changegraph/v1\",\"session\":{\"id\":\"other\"}}")))
                .hasMessageContaining("is session other");
        assertThatThrownBy(() -> parse(FleetData.batch(SESSION, 0, FleetData.events(0, IngestBatch.MAX_EVENTS + 1))))
                .hasMessageContaining("at most 5000");
    }
}
