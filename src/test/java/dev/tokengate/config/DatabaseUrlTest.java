package dev.tokengate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

/** storage.db_url as operators write it, turned into the JDBC URL the drivers read. */
class DatabaseUrlTest {

    @Test
    void postgresqlUrlKeepsHostPortDatabaseUserAndSchema() {
        Properties p = pgjdbcReads("postgresql://postgres@127.0.0.1:5432/test?currentSchema=t_abc");

        assertThat(p).containsEntry("PGHOST", "127.0.0.1").containsEntry("PGPORT", "5432").containsEntry("PGDBNAME", "test")
                .containsEntry("user", "postgres").containsEntry("currentSchema", "t_abc");
    }

    @Test
    void percentEncodedUserAndPasswordReachTheDriverDecoded() {
        Properties p = pgjdbcReads("postgresql://app%40corp:p%26ss%3Dw+rd%2F1@db.example:6543/main");

        assertThat(p).containsEntry("user", "app@corp").containsEntry("password", "p&ss=w+rd/1")
                .containsEntry("PGHOST", "db.example").containsEntry("PGDBNAME", "main");
    }

    @Test
    void hostNamesWithUnderscoresAsInContainerNetworksAreKept() {
        Properties p = pgjdbcReads("postgres://tg:secret@tokengate_db/tokengate");

        assertThat(p).containsEntry("PGHOST", "tokengate_db").containsEntry("user", "tg").containsEntry("password", "secret");
    }

    @Test
    void postgresqlUrlWithoutDatabaseIsStillReadableByTheDriver() {
        assertThat(pgjdbcReads("postgresql://db.example")).containsEntry("PGHOST", "db.example");
    }

    @Test
    void sqliteMemoryAndJdbcUrlsAreTakenAsTheyAre() {
        assertThat(ConfigLoader.jdbcUrl("sqlite:/tmp/some dir/x.db", "storage.db_url")).isEqualTo("jdbc:sqlite:/tmp/some dir/x.db");
        assertThat(ConfigLoader.jdbcUrl("memory", "storage.db_url")).isEqualTo("memory");
        assertThat(ConfigLoader.jdbcUrl("jdbc:postgresql://h/db?user=u", "storage.db_url")).isEqualTo("jdbc:postgresql://h/db?user=u");
        assertThat(ConfigLoader.jdbcUrl("", "storage.db_url")).isNull();
    }

    @Test
    void malformedPostgresqlUrlIsAConfigErrorNamingTheFieldWithoutThePassword() {
        for (String bad : new String[] {"postgresql://app:s3cret@/db", "postgresql://app:s3cret@db host/x", "postgresql://app:s3cret%zz@h/db"}) {
            assertThatThrownBy(() -> ConfigLoader.jdbcUrl(bad, "storage.db_url")).as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("storage.db_url: ")
                    .message().doesNotContain("s3cret");
        }
    }

    @Test
    void unknownSchemeIsAConfigErrorNamingTheField() {
        assertThatThrownBy(() -> ConfigLoader.jdbcUrl("mysql://root:pw@h/db", "storage.db_url"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("storage.db_url: ")
                .message().doesNotContain("pw@");
    }

    private static Properties pgjdbcReads(String operatorUrl) {
        String jdbc = ConfigLoader.jdbcUrl(operatorUrl, "storage.db_url");
        Properties p = Driver.parseURL(jdbc, new Properties());
        assertThat(p).as("pgjdbc cannot read %s", jdbc).isNotNull();
        return p;
    }
}
