package io.changegraph.controller;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a recorded session's graph (live sessions: as recorded so far). Yours only, any for root."},
        footer = {"", "Example: changegraph show 20261121T200000Z-web01-4242 --format dot -o session.dot"})
final class ShowCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "a session id, from 'changegraph sessions'")
    String id;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of stdout")
    Path output;

    @Option(names = {"-f", "--format"}, defaultValue = "json", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    ExportCommand.Format format;

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration (default $CHANGEGRAPH_CONFIG, else /etc/changegraph/config.yaml)")
    Path config;

    @Override
    public Integer call() throws IOException {
        String text = new SessionQueries(AgentConfig.load(config)).show(id, format.name());
        ExportCommand.writeOut(text, output);
        return ExitCodes.OK;
    }
}
