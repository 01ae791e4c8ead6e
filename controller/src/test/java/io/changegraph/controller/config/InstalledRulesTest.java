package io.changegraph.controller.config;

import io.changegraph.controller.UsageException;
import io.changegraph.monitor.RuleSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which rules record and alerts flush use: --rules, else the agent's installed file, else the shipped ones. */
class InstalledRulesTest {
    @TempDir
    Path dir;

    private Path config(String text) throws Exception {
        return Files.writeString(dir.resolve("config.yaml"), text);
    }

    @Test
    void resolve_noConfiguredRules_isTheShippedFile() throws Exception {
        RuleSet rules = InstalledRules.resolve(null, false, config("store: " + dir + "\n"));
        assertThat(rules.summary()).startsWith(RuleSet.SHIPPED_NAME + ":");
        assertThat(rules.ids()).contains("system-file-delete", "download-exec");
    }

    @Test
    void resolve_agentConfigNamesRules_isThatFile() throws Exception {
        Path installed = Files.writeString(dir.resolve("rules.yaml"), """
                rules:
                  - {id: installed-only, severity: info, verbs: [unlink]}
                """);
        assertThat(InstalledRules.resolve(null, false, config("rules: " + installed + "\n")).ids())
                .containsExactly("installed-only");
    }

    @Test
    void resolve_givenFileWinsOverTheInstalledOne_andNoRulesGivesNone() throws Exception {
        Path given = Files.writeString(dir.resolve("given.yaml"), """
                rules:
                  - {id: given, severity: info, verbs: [unlink]}
                """);
        Path config = config("rules: " + dir.resolve("absent.yaml") + "\n");
        assertThat(InstalledRules.resolve(given, false, config).ids()).containsExactly("given");
        assertThat(InstalledRules.resolve(null, true, config)).isNull();
    }

    @Test
    void resolve_installedFileMissing_saysWhichAndTheWaysOut() throws Exception {
        Path config = config("rules: " + dir.resolve("absent.yaml") + "\n");
        assertThatThrownBy(() -> InstalledRules.resolve(null, false, config))
                .isInstanceOf(UsageException.class)
                .hasMessage("the agent's config names the rules file " + dir.resolve("absent.yaml") + ", which does not"
                        + " exist: create it (e.g. a copy of the shipped rules.yaml), or give --rules FILE or --no-rules");
    }

    @Test
    void resolve_badRulesFile_isOneLocatedLineWithTheCheckCommand() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "rules:\n  - {id: x, severity: loud, verbs: [unlink]}\n");
        assertThatThrownBy(() -> InstalledRules.resolve(bad, false, null))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith(bad + ":2:")
                .hasMessageEndingWith("(check the file with: changegraph rules check " + bad + "; or record with --no-rules)")
                .message().doesNotContain("\n");
    }

    @Test
    void resolve_brokenAgentConfig_saysSoWithTheWaysOut() throws Exception {
        Path config = config("rulez: /etc/changegraph/rules.yaml\n");
        assertThatThrownBy(() -> InstalledRules.resolve(null, false, config))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("unknown key 'rulez'")
                .hasMessageEndingWith("(it names the installed rules; or give --rules FILE or --no-rules)");
    }

    @Test
    void resolve_rulesAndNoRules_contradict() {
        assertThatThrownBy(() -> InstalledRules.resolve(dir.resolve("x.yaml"), true, null))
                .isInstanceOf(UsageException.class).hasMessageContaining("--rules and --no-rules");
    }
}
