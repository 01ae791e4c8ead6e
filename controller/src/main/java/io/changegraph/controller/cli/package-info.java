/** The command line: {@code Main} and one picocli command per verb; parses, checks, and hands over to {@code record}, {@code agent} or the library modules. Nothing here is used by another package except {@code Main} (the launcher's entry) and the netwatch and session-query helpers the agent reuses. */
package io.changegraph.controller.cli;
