package io.changegraph.repository.model;

import java.util.Objects;

/** A kernel module, by name; {@code path} is the .ko file when it was loaded from one, else "". */
public record ModuleNode(String name, String path) implements Node, ObjectRef {
    public ModuleNode {
        Objects.requireNonNull(name, "name");
        path = Objects.requireNonNullElse(path, "");
    }

    @Override
    public String id() {
        return Ids.module(name);
    }

    @Override
    public String kind() {
        return "module";
    }
}
