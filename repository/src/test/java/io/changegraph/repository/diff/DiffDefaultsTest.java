package io.changegraph.repository.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The diff's defaults on what a routine deploy does (simulated, no kernel): names that differ by pid, random
 * temp suffixes, dpkg and editor temp files, peers' ephemeral ports, and a root command run with another argument.
 * Each test plants what honestly differs between two runs and expects no difference, or exactly the planted one.
 */
class DiffDefaultsTest {
    private static final DiffOptions DEFAULTS = DiffOptions.defaults();

    private static DiffReport diff(Consumer<DeployRun.Script> canary, Consumer<DeployRun.Script> production) {
        return diff(new DeployRun(), DeployRun.otherHonestRun(), canary, production, DEFAULTS);
    }

    private static DiffReport diff(DeployRun canaryRun, DeployRun productionRun, Consumer<DeployRun.Script> canary,
                                   Consumer<DeployRun.Script> production, DiffOptions options) {
        canaryRun.extras.add(canary);
        productionRun.extras.add(production);
        return GraphDiff.compare(canaryRun.record(), productionRun.record(), options);
    }

    /** What both runs do: the same extras, given the run (its pids and root argument differ). */
    private static DiffReport same(Consumer<DeployRun.Script> extra) {
        return diff(extra, extra);
    }

    private static void apply(DeployRun.Script script, ProcessNode process, Verb verb, Object object, String detail) {
        Event event = switch (object) {
            case String path -> Event.once(script.run().at(40), process, verb, FileRef.of(path), false, detail);
            case RemoteNode remote -> Event.once(script.run().at(40), process, verb, remote, false, detail);
            default -> throw new IllegalArgumentException("object " + object);
        };
        script.graph().apply(event);
    }

    @Test
    void diff_useraddLockFilesNamedByItsPid_areTheSame() {
        DiffReport report = same(script -> {
            ProcessNode useradd = script.spawn(30, "/usr/sbin/useradd", "useradd", "--system", "myapp");
            for (String file : List.of("passwd", "group", "shadow", "gshadow")) {
                String temp = "/etc/" + file + "." + useradd.pid();
                apply(script, useradd, Verb.CREATE, temp, null);
                apply(script, useradd, Verb.WRITE, temp, null);
                apply(script, useradd, Verb.LINK, "/etc/" + file + ".lock", temp);
                apply(script, useradd, Verb.UNLINK, temp, null);
            }
        });

        assertThat(report.differences()).isEmpty();
    }

    @Test
    void diff_perPidCacheFilesOfAChildProcess_areTheSame() {
        DiffReport report = same(script -> {
            ProcessNode mandb = script.spawn(31, "/usr/bin/mandb", "mandb", "-pq");
            apply(script, mandb, Verb.WRITE, "/var/cache/man/" + mandb.pid(), null);
            apply(script, mandb, Verb.RENAME, "/var/cache/man/" + mandb.pid(), "/var/cache/man/index.db");
            apply(script, mandb, Verb.UNLINK, "/var/cache/man/fr/" + mandb.pid(), null);
            apply(script, script.process(), Verb.WRITE, "/tmp/deploy." + script.process().pid() + ".log", null);
        });

        assertThat(report.differences()).isEmpty();
    }

    @Test
    void diff_numberThatIsNoPidOfTheRecording_staysAndDiffers() {
        DiffReport report = diff(script -> apply(script, script.process(), Verb.WRITE, "/var/backups/app.4481", null),
                script -> apply(script, script.process(), Verb.WRITE, "/var/backups/app.4482", null));

        assertThat(report.differences()).extracting(Difference::target)
                .containsExactlyInAnyOrder("/var/backups/app.4481", "/var/backups/app.4482");
    }

    @Test
    void diff_pidOfAProcessThatIsNeitherTheActorNorItsAncestor_staysAndDiffers() {
        Consumer<DeployRun.Script> extra = script -> {
            ProcessNode sibling = script.spawn(31, "/usr/bin/true", "true");
            apply(script, script.process(), Verb.WRITE, "/var/backups/app." + sibling.pid(), null);
            script.spawn(35, "/usr/bin/kill", "kill", "-0", Integer.toString(sibling.pid()));
        };

        DiffReport report = same(extra);

        assertThat(report.differences()).extracting(Difference::target).containsExactlyInAnyOrder(
                "/var/backups/app.1031", "/var/backups/app.52342", "kill -0 1031", "kill -0 52342");
    }

    @Test
    void diff_anArgumentThatIsOnlyANumber_isNotReadAsAPid() {
        DiffReport report = diff(script -> script.spawn(36, "/usr/bin/sleep", "sleep", Integer.toString(script.process().pid())),
                script -> script.spawn(36, "/usr/bin/sleep", "sleep", Integer.toString(script.process().pid())));

        assertThat(report.differences()).extracting(Difference::target).containsExactlyInAnyOrder("sleep 1001", "sleep 52312");
    }

    @Test
    void diff_randomTempSuffixesOutsideTmp_areTheSame() {
        String[][] names = {
                {"/var/cache/apt/archives/partial/.apt-acquire-privs-test.jLXmGe", "/etc/ssl/certs/ca.BS4Kuf",
                        "/var/lib/app/state.q2w9Zx"},
                {"/var/cache/apt/archives/partial/.apt-acquire-privs-test.Ab3dEf", "/etc/ssl/certs/ca.D4TpVp",
                        "/var/lib/app/state.ZZ81ab"}};
        DiffReport report = diff(script -> {
            for (String name : names[0]) {
                apply(script, script.process(), Verb.CREATE, name, null);
            }
        }, script -> {
            for (String name : names[1]) {
                apply(script, script.process(), Verb.CREATE, name, null);
            }
        });

        assertThat(report.differences()).isEmpty();
    }

    @Test
    void diff_wordLikeSuffixes_areNotTakenForTempNames() {
        DiffReport report = diff(script -> apply(script, script.process(), Verb.OPEN, "/usr/share/doc/app/README.Debian", "read"),
                script -> apply(script, script.process(), Verb.OPEN, "/usr/share/doc/app/README.Ubuntu", "read"));

        assertThat(report.differences()).extracting(Difference::target)
                .containsExactlyInAnyOrder("/usr/share/doc/app/README.Debian", "/usr/share/doc/app/README.Ubuntu");
    }

    @Test
    void diff_dpkgTempNames_areTheSame() {
        DiffReport report = diff(script -> {
            ProcessNode dpkg = script.spawn(32, "/usr/bin/dpkg", "dpkg", "-i", "/tmp/app.deb");
            apply(script, dpkg, Verb.RENAME, "/usr/bin/app.dpkg-new", "/usr/bin/app");
            apply(script, dpkg, Verb.UNLINK, "/etc/app.conf.dpkg-tmp", null);
        }, script -> {
            ProcessNode dpkg = script.spawn(32, "/usr/bin/dpkg", "dpkg", "-i", "/tmp/app.deb");
            apply(script, dpkg, Verb.RENAME, "/usr/bin/app.dpkg-tmp", "/usr/bin/app");
            apply(script, dpkg, Verb.UNLINK, "/etc/app.conf.dpkg-old", null);
        });

        assertThat(report.differences()).isEmpty();
    }

    @Test
    void diff_editorSwapAndLockFiles_areTheSame() {
        DiffReport report = diff(script -> {
            ProcessNode vim = script.spawn(33, "/usr/bin/vim", "vim", "/etc/app.conf");
            apply(script, vim, Verb.CREATE, "/etc/.app.conf.swp", null);
            apply(script, vim, Verb.SYMLINK, "/etc/.#app.conf", "root@canary-01." + vim.pid() + ":1733467651");
        }, script -> {
            ProcessNode vim = script.spawn(33, "/usr/bin/vim", "vim", "/etc/app.conf");
            apply(script, vim, Verb.CREATE, "/etc/.app.conf.swo", null);
            apply(script, vim, Verb.SYMLINK, "/etc/.#app.conf", "root@prod-eu-07." + vim.pid() + ":1733400000");
        });

        assertThat(report.differences()).isEmpty();
    }

    @Test
    void diff_epochTimeInAnArgument_isTheSame() {
        DiffReport report = diff(script -> script.spawn(34, "/usr/bin/tar", "tar", "-cf", "-", "--mtime", "@1796537651"),
                script -> script.spawn(34, "/usr/bin/tar", "tar", "-cf", "-", "--mtime", "@1796537666"));

        assertThat(report.differences()).isEmpty();
    }

    @Test
    void diff_acceptedPeersEphemeralPorts_areTheSame_aDialledPortInThatRangeIsNot() {
        DiffReport report = diff(script -> {
            apply(script, script.process(), Verb.ACCEPT, new RemoteNode("ipv4", "127.0.0.1", 53620), null);
            apply(script, script.process(), Verb.CONNECT, new RemoteNode("ipv4", "10.0.0.9", 50051), null);
        }, script -> {
            apply(script, script.process(), Verb.ACCEPT, new RemoteNode("ipv4", "127.0.0.1", 55662), null);
            apply(script, script.process(), Verb.CONNECT, new RemoteNode("ipv4", "10.0.0.9", 50052), null);
        });

        assertThat(report.differences()).extracting(Difference::target)
                .containsExactlyInAnyOrder("ipv4 10.0.0.9:50051", "ipv4 10.0.0.9:50052");
    }

    @Test
    void diff_withoutBuiltInNormalisation_seesPidsAndPorts() {
        Consumer<DeployRun.Script> extra = script -> {
            ProcessNode mandb = script.spawn(31, "/usr/bin/mandb", "mandb", "-pq");
            apply(script, mandb, Verb.WRITE, "/var/cache/man/" + mandb.pid(), null);
            apply(script, script.process(), Verb.ACCEPT, new RemoteNode("ipv4", "127.0.0.1", 40000 + mandb.pid() % 1000), null);
        };
        DiffOptions raw = DEFAULTS.withNormalization(new Normalization(Normalization.DEFAULT_RULES, true, false, false));

        DiffReport report = diff(new DeployRun(), DeployRun.otherHonestRun(), extra, extra, raw);

        assertThat(report.differences()).extracting(Difference::target)
                .contains("/var/cache/man/1031", "/var/cache/man/52342", "ipv4 127.0.0.1:40031", "ipv4 127.0.0.1:40342");
    }

    /** A health check: {@code failures} curls refused, a sleep after each, then one that gets through. */
    private static Consumer<DeployRun.Script> healthCheck(int failures) {
        return script -> {
            RemoteNode daemon = new RemoteNode("ipv4", "127.0.0.1", 18080);
            for (int i = 0; i <= failures; i++) {
                ProcessNode curl = script.spawn(50 + 2 * i, "/usr/bin/curl", "curl", "-fsS", "http://127.0.0.1:18080/health");
                script.graph().apply(Event.once(script.run().at(50 + 2 * i), curl, Verb.CONNECT, daemon, i < failures, null));
                if (i < failures) {
                    script.spawn(51 + 2 * i, "/usr/bin/sleep", "sleep", "0.1");
                } else {
                    apply(script, curl, Verb.SEND, daemon, null);
                }
            }
        };
    }

    @Test
    void diff_retryLoopThatRanOnceMoreInProduction_isNoDifference() {
        DiffReport report = diff(healthCheck(1), healthCheck(2));

        assertThat(report.differences()).isEmpty();
    }

    @Test
    void diff_retryLoopThatRanTenTimesMore_isACountDifference() {
        DiffReport report = diff(healthCheck(1), healthCheck(12));

        assertThat(report.differences()).extracting(Difference::status, Difference::verb, Difference::target)
                .contains(tuple(DiffStatus.CHANGED, Verb.SPAWN, "sleep 0.1"));
    }

    private static DeployRun deploy(DeployRun run, String... argv) {
        run.rootArgv = List.of(argv);
        return run;
    }

    /** What deploy.sh does with its arguments: sed in the env, the daemon and health check on the port. */
    private static final Consumer<DeployRun.Script> USES_ARGUMENTS = script -> {
        List<String> argv = script.run().rootArgv;
        String env = argv.get(argv.indexOf("--env") + 1);
        int port = argv.contains("--port") ? Integer.parseInt(argv.get(argv.indexOf("--port") + 1)) : 18080;
        ProcessNode sed = script.spawn(40, "/usr/bin/sed", "sed", "-i", "s/^env=.*/env=" + env + "/", "/etc/myapp/myapp.conf");
        apply(script, sed, Verb.RENAME, "/etc/myapp/sedAb12Cd", "/etc/myapp/myapp.conf");
        ProcessNode python = script.spawn(41, "/usr/bin/python3", "python3", "-m", "http.server", Integer.toString(port));
        apply(script, python, Verb.BIND, new RemoteNode("ipv4", "127.0.0.1", port), null);
        ProcessNode curl = script.spawn(42, "/usr/bin/curl", "curl", "-fsS", "http://127.0.0.1:" + port + "/health");
        apply(script, curl, Verb.CONNECT, new RemoteNode("ipv4", "127.0.0.1", port), null);
        apply(script, script.process(), Verb.WRITE, "/var/log/myapp-" + env + ".log", null);
    };

    @Test
    void diff_rootCommandWithAnotherArgument_isOneDifference_andEverythingBelowIsMatched() {
        DiffReport report = diff(deploy(new DeployRun(), "bash", "deploy.sh", "--env", "canary", "--port", "18080"),
                deploy(DeployRun.otherHonestRun(), "bash", "deploy.sh", "--env", "production", "--port", "18081"),
                USES_ARGUMENTS, USES_ARGUMENTS, DEFAULTS);

        assertThat(report.differences()).singleElement().satisfies(difference -> {
            assertThat(difference.status()).isEqualTo(DiffStatus.CHANGED);
            assertThat(difference.verb()).isEqualTo(Verb.EXEC);
            assertThat(difference.ancestry()).containsExactly("bash deploy.sh --env <canary|production> --port <18080|18081>");
            assertThat(difference.reasons()).containsExactly(
                    "argv bash deploy.sh --env canary --port 18080 -> bash deploy.sh --env production --port 18081");
        });
        assertThat(report.union().nodeStatus()).containsValue(DiffStatus.CHANGED);
    }

    @Test
    void diff_rootCommandWithAnotherArgumentAndAPlantedDelete_isExactlyBoth() {
        DiffReport report = diff(deploy(new DeployRun(), "bash", "deploy.sh", "--env=canary"),
                deploy(DeployRun.otherHonestRun(), "bash", "deploy.sh", "--env=production"),
                script -> { },
                script -> {
                    ProcessNode rm = script.spawn(43, "/usr/bin/rm", "rm", "-f", "/etc/myapp/myapp.conf.bak");
                    apply(script, rm, Verb.UNLINK, "/etc/myapp/myapp.conf.bak", null);
                }, DEFAULTS);

        assertThat(report.differences()).extracting(Difference::status, Difference::verb, Difference::target)
                .containsExactly(
                        tuple(DiffStatus.ONLY_PRODUCTION, Verb.SPAWN, "rm -f /etc/myapp/myapp.conf.bak"),
                        tuple(DiffStatus.CHANGED, Verb.EXEC, ""));
        assertThat(report.differences().getFirst().ancestry())
                .containsExactly("bash deploy.sh --env=<canary|production>", "bash ~/deploy/deploy.sh");
    }

    @Test
    void diff_rootCommandWithAnExtraArgument_isOneDifference_childrenStillMatch() {
        DiffReport report = diff(deploy(new DeployRun(), "bash", "deploy.sh"),
                deploy(DeployRun.otherHonestRun(), "bash", "deploy.sh", "--verbose"), script -> { }, script -> { }, DEFAULTS);

        assertThat(report.differences()).singleElement().satisfies(difference -> {
            assertThat(difference.verb()).isEqualTo(Verb.EXEC);
            assertThat(difference.ancestry()).containsExactly("bash deploy.sh <|--verbose>");
            assertThat(difference.reasons()).containsExactly("argv bash deploy.sh -> bash deploy.sh --verbose");
        });
    }

    @Test
    void diff_shortArgumentValues_areNotReadAsParameters_soTheirUsesDiffer() {
        Consumer<DeployRun.Script> usesLevel = script -> script.spawn(44, "/usr/bin/logger", "logger", "level",
                script.run().rootArgv.getLast());
        DiffReport report = diff(deploy(new DeployRun(), "bash", "deploy.sh", "-v", "1"),
                deploy(DeployRun.otherHonestRun(), "bash", "deploy.sh", "-v", "2"), usesLevel, usesLevel, DEFAULTS);

        assertThat(report.differences()).extracting(Difference::verb, Difference::target).containsExactlyInAnyOrder(
                tuple(Verb.EXEC, ""),
                tuple(Verb.SPAWN, "logger level 1"),
                tuple(Verb.SPAWN, "logger level 2"));
    }

    @Test
    void diff_rootCommandWithAnotherVersionAndAnExtraOption_isOneDifference_andEverythingBelowIsMatched() {
        Consumer<DeployRun.Script> usesVersion = USES_ARGUMENTS.andThen(script -> {
            List<String> argv = script.run().rootArgv;
            String version = argv.get(argv.indexOf("--version") + 1);
            script.spawn(45, "/usr/bin/dpkg", "dpkg", "-i", "/tmp/myapp-build.Ab3dEf/myapp_" + version + "_all.deb");
        });

        DiffReport report = diff(deploy(new DeployRun(), "bash", "deploy.sh", "--env", "canary", "--version", "1.0-1"),
                deploy(DeployRun.otherHonestRun(), "bash", "deploy.sh", "--env", "production", "--version", "1.0-2", "--port", "18080"),
                usesVersion, usesVersion, DEFAULTS);

        assertThat(report.differences()).singleElement().satisfies(difference -> {
            assertThat(difference.verb()).isEqualTo(Verb.EXEC);
            assertThat(difference.ancestry())
                    .containsExactly("bash deploy.sh --env <canary|production> --version <1.0-1|1.0-2> <|--port 18080>");
        });
    }

    @Test
    void diff_forksOfRootCommandsWithDifferentArguments_matchAsForks() {
        Consumer<DeployRun.Script> subshell = script -> {
            ProcessNode root = script.graph().snapshot().nodes().stream()
                    .filter(node -> node instanceof ProcessNode process && process.pid() == script.run().pidBase)
                    .map(ProcessNode.class::cast).findFirst().orElseThrow();
            ProcessNode fork = script.run().process(46, root.pid(), root.exe(), root.argv().toArray(String[]::new));
            script.graph().apply(Event.once(script.run().at(46), root, Verb.SPAWN, fork, false, null));
            apply(script, fork, Verb.WRITE, "/run/myapp.pid", null);
        };

        DiffReport report = diff(deploy(new DeployRun(), "bash", "deploy.sh"),
                deploy(DeployRun.otherHonestRun(), "bash", "deploy.sh", "--verbose"), subshell, subshell, DEFAULTS);

        assertThat(report.differences()).extracting(Difference::verb).containsExactly(Verb.EXEC);
    }

    @Test
    void rootArguments_pairElementsAroundWhatBothShare() {
        assertThat(RootArguments.alignedPairs(List.of("deploy.sh", "--env", "canary", "--version", "1.0-1"),
                List.of("deploy.sh", "--env", "production", "--version", "1.0-2", "--port", "18081")))
                .containsExactly(new int[] {2, 2}, new int[] {4, 4});
        assertThat(RootArguments.alignedPairs(List.of("deploy.sh", "canary"), List.of("deploy.sh", "--fast", "production")))
                .containsExactly(new int[] {1, 2});
        assertThat(RootArguments.alignedPairs(List.of("deploy.sh", "a", "b"), List.of("deploy.sh", "c"))).isEmpty();
    }

    @Test
    void rootArguments_valuesAreWidenedToTheirWord() {
        assertThat(RootArguments.values("--env=canary", "--env=production")).containsExactly("canary", "production");
        assertThat(RootArguments.values("1.0-1", "1.0-2")).containsExactly("1.0-1", "1.0-2");
        assertThat(RootArguments.values("18080", "18081")).containsExactly("18080", "18081");
        assertThat(RootArguments.values("/srv/a", "/srv/b")).containsExactly("/srv/a", "/srv/b");
        assertThat(RootArguments.values("-v", "-q")).isNull();
    }
}
