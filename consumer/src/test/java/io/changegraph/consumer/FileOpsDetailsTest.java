package io.changegraph.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The details open and chmod edges carry: built from precomputed tables, checked here against the flags. */
class FileOpsDetailsTest {
    private static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 02000000;
    private static final int O_APPEND = 02000;

    @ParameterizedTest(name = "flags {0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "0;read",
            "" + (O_WRONLY | FileOps.O_CREAT | FileOps.O_TRUNC) + ";write,create,truncate",
            "" + (O_RDWR | FileOps.O_CREAT) + ";read,write,create",
            "" + (O_WRONLY | O_APPEND | O_CLOEXEC) + ";write",
            "" + (FileOps.O_DIRECTORY | O_CLOEXEC) + ";read,directory",
            "" + (FileOps.O_PATH | FileOps.O_DIRECTORY) + ";directory,path",
            "" + (O_RDWR | FileOps.O_TRUNC | FileOps.O_PATH) + ";truncate,path",
    })
    void openDetail_namesAccessAndEffects(long flags, String detail) {
        assertThat(FileOps.openDetail(flags)).isEqualTo(detail);
    }

    @ParameterizedTest(name = "mode {0} -> {1}")
    @CsvSource({"0, 0000", "420, 0644", "2541, 4755", "4095, 7777", "33188, 0644", "8, 0010"})
    void mode_isFourOctalDigitsOfThePermissionBits(long mode, String shown) {
        assertThat(FileOps.mode(mode)).isEqualTo(shown);
    }
}
