package io.changegraph.impact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The ops-behaviour recognisers of a behaviours.yaml (docs/behaviours.md): the tables are data, this class
 * and the {@code Recognise*} classes interpret them. {@link #recognise} runs, in order: packages (which also
 * say which process subtrees fold into their behaviours), commands, files and verbs, network and lifetimes.
 * A behaviour seen twice (useradd and a direct edit) is told once, with both sightings' evidence.
 */
final class Recognisers implements OpsRecogniser {
    private static final String RESOURCE = "behaviours.yaml";
    private static final Recognisers SHIPPED = new Recognisers(RecogniserTables.parse(RESOURCE, shippedText()));

    private final RecogniserTables tables;

    Recognisers(RecogniserTables tables) {
        this.tables = tables;
    }

    /** The recognisers of the shipped behaviours.yaml. */
    static Recognisers shipped() {
        return SHIPPED;
    }

    /** The recognisers of another behaviours file; a bad file is an IllegalArgumentException naming what is wrong. */
    static Recognisers load(Path file) {
        String text;
        try {
            if (Files.size(file) > (1 << 20)) {
                throw new IllegalArgumentException(file + ": larger than 1 MiB; a behaviours file is a few hundred lines");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the behaviours file (" + e.getMessage() + ")");
        }
        return new Recognisers(RecogniserTables.parse(file.toString(), text));
    }

    /** The recognisers of a behaviours file's text ({@code name} for messages). */
    static Recognisers parse(String name, String text) {
        return new Recognisers(RecogniserTables.parse(name, text));
    }

    RecogniserTables tables() {
        return tables;
    }

    @Override
    public OpsFindings recognise(SessionGraph graph, NetEffects effects) {
        RecogniserFacts facts = new RecogniserFacts(graph);
        RecognisedBehaviours out = new RecognisedBehaviours();
        Set<String> folded = RecognisePackages.recognise(tables.packages(), facts, out);
        RecogniseCommands.recognise(tables.commands(), facts, out);
        RecogniseFiles.recognise(tables, facts, out);
        RecogniseNetwork.recognise(tables, facts, out);
        return new OpsFindings(out.all(), folded);
    }

    private static String shippedText() {
        try (InputStream in = Recognisers.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the shipped behaviours.yaml is missing from the impact jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
