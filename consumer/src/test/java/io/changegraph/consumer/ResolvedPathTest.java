package io.changegraph.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResolvedPathTest {
    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource({
        "/home/u, file, /home/u/file",
        "/home/u, ./a//b/./c, /home/u/a/b/c",
        "/home/u, ../../../../etc, /etc",
        "/home/u, /abs/../x, /x",
        "/, .., /",
        "/home/u, '', /home/u",
        "/home/u, a/.., /home/u",
    })
    void resolve_resolvedBase_isLexicallyNormalised(String base, String name, String expected) {
        assertThat(new ResolvedPath(base, true).resolve(name)).isEqualTo(new ResolvedPath(expected, true));
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource({
        "fd 7, name, <unresolved fd 7>/name",
        "fd 7, ../a/./b, <unresolved fd 7>/../a/b",
        "fd 7, a/../../b, <unresolved fd 7>/../b",
        "cwd, '', <unresolved cwd>",
    })
    void resolve_unresolvedBase_staysVisiblyUnresolved(String label, String name, String expected) {
        assertThat(ResolvedPath.unresolved(label).resolve(name)).isEqualTo(new ResolvedPath(expected, false));
    }

    @ParameterizedTest
    @CsvSource({"fd 7", "cwd"})
    void resolve_absoluteNameBelowAnUnresolvedBase_isResolved(String label) {
        assertThat(ResolvedPath.unresolved(label).resolve("/etc/./hosts")).isEqualTo(new ResolvedPath("/etc/hosts", true));
    }
}
