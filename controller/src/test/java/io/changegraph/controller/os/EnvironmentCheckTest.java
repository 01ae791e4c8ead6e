package io.changegraph.controller.os;

import io.changegraph.controller.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvironmentCheckTest {
    private static final long CAP_SYS_ADMIN = 1L << 21;
    private static final long CAP_PERFMON = 1L << 38;
    private static final long CAP_BPF = 1L << 39;

    @Test
    void privileges_noCapabilities_isRefusedWithWhatToDo() {
        assertThatThrownBy(() -> EnvironmentCheck.requirePrivileges(0)).isInstanceOf(UsageException.class)
                .hasMessageContaining("root").hasMessageContaining("sudo");
    }

    @Test
    void privileges_bpfWithoutPerfmon_isRefused_bpfAndPerfmonOrSysAdmin_areEnough() {
        assertThatThrownBy(() -> EnvironmentCheck.requirePrivileges(CAP_BPF)).isInstanceOf(UsageException.class);
        assertThatCode(() -> EnvironmentCheck.requirePrivileges(CAP_BPF | CAP_PERFMON)).doesNotThrowAnyException();
        assertThatCode(() -> EnvironmentCheck.requirePrivileges(CAP_SYS_ADMIN)).doesNotThrowAnyException();
    }

    @Test
    void capabilities_areReadFromProcStatus(@TempDir Path dir) throws Exception {
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nCapEff:\t000001c000000000\n");
        assertThat(new EnvironmentCheck(status).readEffectiveCapabilities()).isEqualTo(CAP_BPF | CAP_PERFMON | (1L << 40));
        Path unreadable = dir.resolve("missing");
        assertThat(new EnvironmentCheck(unreadable).readEffectiveCapabilities()).isZero();
    }

    @Test
    void btf_missing_isRefusedNamingTheKernelOption(@TempDir Path dir) {
        assertThatThrownBy(() -> EnvironmentCheck.requireBtf(dir.resolve("vmlinux"))).isInstanceOf(UsageException.class)
                .hasMessageContaining("BTF").hasMessageContaining("CONFIG_DEBUG_INFO_BTF");
    }

    @Test
    void jdk_olderThan22_isRefused_22IsEnough() {
        assertThatThrownBy(() -> EnvironmentCheck.requireJdk(21)).isInstanceOf(UsageException.class)
                .hasMessageContaining("22");
        assertThatCode(() -> EnvironmentCheck.requireJdk(22)).doesNotThrowAnyException();
    }

    @Test
    void processTree_descendantsParentsFirst_withoutTheRecorderBranch() {
        var parents = java.util.Map.of(10, 1, 11, 10, 12, 11, 20, 10, 21, 20, 30, 1);
        // 20 is the recorder's ancestor (e.g. sudo) under the followed shell 10; 21 the recorder itself
        var exclude = ProcessTree.selfAndAncestors(parents, 21);
        assertThat(ProcessTree.descendants(parents, 10, exclude)).containsExactly(10, 11, 12);
    }
}
