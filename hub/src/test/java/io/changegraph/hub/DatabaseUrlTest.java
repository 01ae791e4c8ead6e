package io.changegraph.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
    @Test
    void parse_userHostPortDb_givesTheJdbcUrl_andThePasswordFromTheEnvironment() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://cg@db.example:6543/changegraph", "s3cret");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/changegraph");
        assertThat(url.user()).isEqualTo("cg");
        assertThat(url.password()).isEqualTo("s3cret");
        assertThat(url.display()).doesNotContain("s3cret");
    }

    @Test
    void parse_passwordInTheUrl_winsAndIsNeverDisplayed() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://cg:p%40ss@127.0.0.1/fleet", "other");
        assertThat(url.password()).isEqualTo("p@ss");
        assertThat(url.port()).isEqualTo(5432);
        assertThat(url.toString()).isEqualTo("postgresql://cg@127.0.0.1:5432/fleet");
    }

    @Test
    void parse_badUrls_areOneLineWithTheExpectedForm_withoutThePassword() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://cg@db/x", null)).hasMessageContaining("scheme must be postgresql")
                .hasMessageContaining("postgresql://USER@HOST:PORT/DB");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://db/x", null)).hasMessageContaining("needs a user and a host");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://cg@db", null)).hasMessageContaining("database name");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://cg:hidden@db/x?ssl=true", null))
                .hasMessageContaining("parameters").hasMessageNotContaining("hidden");
        assertThatThrownBy(() -> DatabaseUrl.parse(" ", null)).hasMessageContaining("no database");
    }
}
