package io.changegraph.repository.model;

import static io.changegraph.repository.model.Fixtures.at;
import static io.changegraph.repository.model.Fixtures.process;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class VerbTraitsTest {
    private final ProcessNode rm = process(200, 1, "/usr/bin/rm", "rm");

    private static Set<Verb> with(Predicate<Verb> trait) {
        return Arrays.stream(Verb.values()).filter(trait).collect(Collectors.toCollection(() -> EnumSet.noneOf(Verb.class)));
    }

    @Test
    void traits_matchTheDocumentedMeaningOfEachVerb() {
        assertThat(with(Verb::destructive)).containsExactlyInAnyOrder(Verb.UNLINK, Verb.RMDIR, Verb.RENAME, Verb.TRUNCATE);
        assertThat(with(Verb::writes)).containsExactlyInAnyOrder(Verb.WRITE, Verb.CREATE, Verb.MKDIR, Verb.LINK,
                Verb.SYMLINK, Verb.CHMOD, Verb.CHOWN);
        assertThat(with(Verb::detailIsPath)).containsExactlyInAnyOrder(Verb.RENAME, Verb.LINK, Verb.SYMLINK);
        assertThat(with(Verb::movesObject)).containsExactly(Verb.RENAME);
        assertThat(with(Verb::detachesPath)).containsExactlyInAnyOrder(Verb.UNLINK, Verb.RMDIR);
        assertThat(with(v -> !v.makesEdge())).containsExactly(Verb.EXIT);
        assertThat(with(Verb::partialObject)).containsExactly(Verb.SIGNAL);
        assertThat(with(v -> v.objectKind() == Verb.ObjectKind.REMOTE)).containsExactlyInAnyOrder(Verb.CONNECT,
                Verb.ACCEPT, Verb.BIND, Verb.SEND, Verb.RECV);
        assertThat(with(v -> v.objectKind() == Verb.ObjectKind.MODULE)).containsExactlyInAnyOrder(Verb.LOAD_MODULE,
                Verb.UNLOAD_MODULE);
    }

    @Test
    void traits_areConsistent_pathTraitsOnlyOnFileVerbs_destroyingIsNotWriting() {
        for (Verb verb : Verb.values()) {
            if (verb.detailIsPath() || verb.movesObject() || verb.detachesPath() || verb.destructive() || verb.writes()) {
                assertThat(verb.objectKind()).as(verb.wireName()).isEqualTo(Verb.ObjectKind.FILE);
            }
            assertThat(verb.destructive() && verb.writes()).as(verb.wireName()).isFalse();
            assertThat(!verb.movesObject() || verb.detailIsPath()).as(verb.wireName()).isTrue();
            assertThat(Verb.fromWire(verb.wireName())).isEqualTo(verb);
        }
    }

    @Test
    void event_objectOfTheWrongKind_isRejectedNamingTheVerb() {
        assertThatThrownBy(() -> Event.once(at(1), rm, Verb.UNLINK, new RemoteNode("ipv4", "10.0.0.1", 22), false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unlink takes a file object");
        assertThatThrownBy(() -> Event.once(at(1), rm, Verb.CONNECT, FileRef.of("/etc/x"), false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connect takes a remote object");
    }

    @Test
    void graph_followsTheTraits_detachingVerbFreesThePath_movingVerbMovesTheNode() {
        ChangeGraph graph = new ChangeGraph(Fixtures.session(200));
        graph.apply(Event.once(at(1), rm, Verb.RMDIR, FileRef.of("/srv/d"), false, null));
        graph.apply(Event.once(at(2), rm, Verb.MKDIR, FileRef.of("/srv/d"), false, "0755"));
        graph.apply(Event.once(at(3), rm, Verb.RENAME, FileRef.of("/srv/d"), false, "/srv/e"));

        assertThat(graph.node(Ids.file("/srv/d", 0))).isPresent();
        assertThat(graph.node(Ids.file("/srv/d", 1))).get().isInstanceOfSatisfying(FileNode.class,
                moved -> assertThat(moved.paths()).containsExactly("/srv/d", "/srv/e"));
    }
}
