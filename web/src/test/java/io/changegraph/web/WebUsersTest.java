package io.changegraph.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and checking the users file of {@code serve --users-file}, and token hashing. */
class WebUsersTest {
    static final String ALICE_TOKEN = "alice-token-0123456789";

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("users.yaml"), text);
    }

    private static String validUsers() {
        return "users:\n"
                + "  - {name: alice, token_sha256: " + WebUsers.sha256Hex(ALICE_TOKEN) + ", role: user, uid: 1001}\n"
                + "  - name: audit\n"
                + "    token_sha256: " + WebUsers.sha256Hex("audit-token-0123456789").toUpperCase() + "\n"
                + "    role: auditor\n";
    }

    @Test
    void sha256Hex_isWhatSha256sumPrints() {
        // printf %s abc | sha256sum
        assertThat(WebUsers.sha256Hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void authenticate_tokenMatchingHash_isThatUser_otherTokensNobody() throws IOException {
        WebUsers users = WebUsers.read(yaml(validUsers()));

        assertThat(users.names()).containsExactly("alice", "audit");
        assertThat(users.authenticate(ALICE_TOKEN)).contains(new WebUser("alice", WebUser.Role.USER, 1001));
        assertThat(users.authenticate("audit-token-0123456789")).hasValueSatisfying(
                user -> assertThat(user.role()).isEqualTo(WebUser.Role.AUDITOR));
        assertThat(users.authenticate(WebUsers.sha256Hex(ALICE_TOKEN))).as("the hash itself is no token").isEmpty();
        assertThat(users.authenticate("wrong")).isEmpty();
        assertThat(users.authenticate("")).isEmpty();
    }

    @Test
    void json_isReadToo() throws IOException {
        Path file = Files.writeString(dir.resolve("users.json"), "{\"users\": [{\"name\": \"root\", \"token_sha256\": \""
                + WebUsers.sha256Hex("root-token-0123456789") + "\", \"role\": \"admin\"}]}");

        assertThat(WebUsers.read(file).authenticate("root-token-0123456789")).contains(
                new WebUser("root", WebUser.Role.ADMIN, null));
    }

    @Test
    void unknownKey_isRejectedWithLineAndEntry() throws IOException {
        Path file = yaml(validUsers() + "  - {name: bob, token_sha256: " + "a".repeat(64) + ", role: user, uid: 7, password: x}\n");

        assertThatThrownBy(() -> WebUsers.read(file)).isInstanceOf(WebStartException.class)
                .hasMessageStartingWith("bad users file " + file + ": line 6")
                .hasMessageContaining("users[2]")
                .hasMessageContaining("unknown key 'password'")
                .hasMessageNotContaining("\n");
    }

    @Test
    void missingField_isRejectedNamingIt() throws IOException {
        Path file = yaml("users:\n  - {name: bob, role: user, uid: 7}\n");

        assertThatThrownBy(() -> WebUsers.read(file)).isInstanceOf(WebStartException.class)
                .hasMessageContaining("line 2").hasMessageContaining("token_sha256").hasMessageContaining("missing field");
    }

    @Test
    void badRole_isRejectedSayingWhichAreKnown() throws IOException {
        Path file = yaml("users:\n  - {name: bob, token_sha256: " + "a".repeat(64) + ", role: root}\n");

        assertThatThrownBy(() -> WebUsers.read(file)).isInstanceOf(WebStartException.class)
                .hasMessageContaining("line 2").hasMessageContaining("users[0]")
                .hasMessageContaining("unknown role 'root': give admin, auditor or user");
    }

    @Test
    void badHex_isRejected() throws IOException {
        Path file = yaml("users:\n  - {name: bob, token_sha256: not-a-hash, role: admin}\n");

        assertThatThrownBy(() -> WebUsers.read(file)).isInstanceOf(WebStartException.class)
                .hasMessageContaining("user 'bob': token_sha256 is not 64 hex digits");
    }

    @Test
    void userWithoutUid_andNonNumericUid_areRejected() throws IOException {
        Path noUid = yaml("users:\n  - {name: bob, token_sha256: " + "a".repeat(64) + ", role: user}\n");
        assertThatThrownBy(() -> WebUsers.read(noUid)).hasMessageContaining("role user needs uid");

        Path textUid = yaml("users:\n  - {name: bob, token_sha256: " + "a".repeat(64) + ", role: user, uid: bob}\n");
        assertThatThrownBy(() -> WebUsers.read(textUid)).hasMessageContaining("users[0].uid")
                .hasMessageContaining("'bob' is not a whole number");
    }

    @Test
    void duplicateToken_emptyList_unreadableFile_areRejected() throws IOException {
        Path twice = yaml("users:\n  - {name: a, token_sha256: " + "a".repeat(64) + ", role: admin}\n"
                + "  - {name: b, token_sha256: " + "a".repeat(64) + ", role: auditor}\n");
        assertThatThrownBy(() -> WebUsers.read(twice)).hasMessageContaining("users[1] (b): token_sha256 is another user's");

        assertThatThrownBy(() -> WebUsers.read(yaml("users: []\n"))).hasMessageContaining("no users");
        assertThatThrownBy(() -> WebUsers.read(yaml(""))).hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> WebUsers.read(yaml("users: {name: bob}\n"))).hasMessageContaining("line 1, users: not a list")
                .hasMessageNotContaining("java");
        assertThatThrownBy(() -> WebUsers.read(yaml("users:\n  - [bob]\n"))).hasMessageContaining("users[0]: not a user")
                .hasMessageNotContaining("java");
        assertThatThrownBy(() -> WebUsers.read(dir.resolve("absent.yaml"))).isInstanceOf(WebStartException.class)
                .hasMessageStartingWith("cannot read users file");
    }
}
