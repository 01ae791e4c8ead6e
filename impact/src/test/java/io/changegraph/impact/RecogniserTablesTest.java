package io.changegraph.impact;

import static io.changegraph.repository.model.Verb.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecogniserTablesTest {
    private static final String MINIMAL = "version: 1\n";

    @Test
    void shippedTables_parse_andUseOnlyKindsFromTheClosedList() {
        RecogniserTables tables = Recognisers.shipped().tables();
        assertThat(tables.packages()).extracting(RecogniserTables.Manager::name)
                .containsExactly("dpkg", "apt", "rpm", "dnf", "pip", "npm");
        assertThat(tables.commands()).isNotEmpty();
        tables.files().forEach(rule -> assertThat(RecogniserTables.KINDS).contains(rule.kind()));
    }

    @Test
    void minimalFile_recognisesOnlyWhatNeedsNoTable() {
        RecogniserGraph g = new RecogniserGraph().process(1, 0, "/usr/bin/bash", "bash").on(1, WRITE, "/etc/cron.d/x");
        OpsFindings findings = Recognisers.parse("mine.yaml", MINIMAL).recognise(new SessionGraph(g.document()), null);
        assertThat(findings.behaviours()).isEmpty();
    }

    @Test
    void unknownKind_isRejectedNamingWhereAndWhatToDo() {
        String text = MINIMAL + "files:\n  - kind: cron.changed\n    paths: ['/etc/cron.d/**']\n";
        assertThatThrownBy(() -> Recognisers.parse("mine.yaml", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mine.yaml: files[0].kind: unknown kind 'cron.changed'; use one of the kinds listed in docs/behaviours.md");
    }

    @Test
    void unknownKey_isRejectedListingTheKnownOnes() {
        String text = MINIMAL + "commands:\n  - exe: [useradd]\n    kind: user.add\n    subjet: last\n";
        assertThatThrownBy(() -> Recognisers.parse("mine.yaml", text))
                .hasMessageStartingWith("mine.yaml: commands[0].subjet: unknown key; known here: action_at, actions,");
    }

    @Test
    void recordRegexWithoutANameGroup_isRejected() {
        String text = MINIMAL + "packages:\n  - manager: x\n    exe: [x]\n    records: ['^/var/lib/x/.*$']\n";
        assertThatThrownBy(() -> Recognisers.parse("mine.yaml", text))
                .hasMessage("mine.yaml: packages[0].records[0]: the regex needs a (?<name>...) group");
    }

    @Test
    void badRegexAndBadMode_areRejected() {
        assertThatThrownBy(() -> Recognisers.parse("m.yaml", MINIMAL + "packages:\n  - manager: x\n    exe: [x]\n    specs: ['(?<name>[a-']\n"))
                .hasMessageStartingWith("m.yaml: packages[0].specs[0]: bad regex: ");
        assertThatThrownBy(() -> Recognisers.parse("m.yaml", MINIMAL + "modes:\n  - kind: file.setuid\n    bits: '9000'\n    label: x\n"))
                .hasMessage("m.yaml: modes[0].bits: must be octal mode bits in quotes, e.g. '4000'");
    }

    @Test
    void yamlSyntaxError_isOneLineWithTheLine() {
        assertThatThrownBy(() -> Recognisers.parse("m.yaml", "version: 1\nfiles: [\n"))
                .hasMessageStartingWith("m.yaml: line ").hasMessageNotContaining("\n");
    }

    @Test
    void wrongVersion_isRejected() {
        assertThatThrownBy(() -> Recognisers.parse("m.yaml", "version: 2\n")).hasMessage("m.yaml: version: must be 1");
    }

    @Test
    void aliases_areRefused() {
        String text = MINIMAL + "secrets:\n  paths: &p ['/a']\n  except: *p\n";
        assertThatThrownBy(() -> Recognisers.parse("m.yaml", text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void userFile_extendsTheTables(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("behaviours.yaml");
        Files.writeString(file, MINIMAL + "files:\n  - kind: cron.change\n    paths: ['/opt/scheduler/jobs/**']\n");
        RecogniserGraph g = new RecogniserGraph().process(1, 0, "/usr/bin/bash", "bash").on(1, WRITE, "/opt/scheduler/jobs/nightly");
        OpsFindings findings = Recognisers.load(file).recognise(new SessionGraph(g.document()), null);
        assertThat(findings.behaviours()).extracting(b -> b.kind() + " " + b.subject())
                .containsExactly("cron.change /opt/scheduler/jobs/nightly");
    }

    @Test
    void missingFile_isOneLine(@TempDir Path dir) {
        assertThatThrownBy(() -> Recognisers.load(dir.resolve("none.yaml")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read the behaviours file");
    }
}
