package io.changegraph.repository.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changegraph.repository.model.Fixtures;
import io.changegraph.repository.model.GraphDocument;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The one list of output formats: each name gives its writer's text; any other name is one line naming them. */
class OutputFormatTest {
    @Test
    void eachFormat_rendersWhatItsWriterWrites() throws Exception {
        GraphDocument rich = Fixtures.rich();
        StringWriter json = new StringWriter();
        GraphJson.write(rich, json);

        assertThat(OutputFormat.named("json").render(rich)).isEqualTo(json.toString());
        assertThat(OutputFormat.named("dot").render(rich)).isEqualTo(GraphExports.dot(rich));
        assertThat(OutputFormat.named("graphml").render(rich)).isEqualTo(GraphExports.graphml(rich));
        assertThat(OutputFormat.named("cypher").render(rich)).isEqualTo(GraphExports.cypher(rich));
    }

    @Test
    void unknownName_isOneLineListingTheFormats() {
        assertThatThrownBy(() -> OutputFormat.named("svg")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown format 'svg' (json, dot, graphml, cypher)");
        assertThatThrownBy(() -> OutputFormat.named(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
