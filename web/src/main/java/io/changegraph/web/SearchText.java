package io.changegraph.web;

import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import java.util.Locale;

/** What a search matches in a node, lower-cased: the same fields the page searches (path, exe, argv, address). */
final class SearchText {
    private SearchText() {
    }

    static String of(Node node) {
        String text = switch (node) {
            case FileNode file -> file.path() + " " + String.join(" ", file.paths());
            case ProcessNode process -> process.exe() + " " + String.join(" ", process.argv()) + " [" + process.pid() + "]";
            case RemoteNode remote -> remote.address() + ":" + remote.port();
            case ModuleNode module -> module.name() + " " + module.path();
        };
        return text.toLowerCase(Locale.ROOT);
    }
}
