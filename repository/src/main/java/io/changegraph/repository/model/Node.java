package io.changegraph.repository.model;

/** A vertex of the change-impact graph. Ids are stable for the same identity (see {@link Ids}). */
public sealed interface Node permits ProcessNode, FileNode, RemoteNode, ModuleNode {
    String id();

    /** {@code process}, {@code file}, {@code remote} or {@code module}: the JSON {@code kind}. */
    String kind();
}
