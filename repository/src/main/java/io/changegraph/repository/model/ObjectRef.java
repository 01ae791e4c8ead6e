package io.changegraph.repository.model;

/** What an {@link Event} acts on. Files are named by path (the graph decides which file node that is). */
public sealed interface ObjectRef permits ProcessNode, FileRef, RemoteNode, ModuleNode {
}
