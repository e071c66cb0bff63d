package dev.tokengate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The safety net under the log: secrets that slip into a message are masked by shape or by value. */
class RedactorTest {
    @Test
    void masksOurKeysAndAdminKeys() {
        assertThat(Redactor.mask("key tg-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_- refused"))
                .isEqualTo("key tg-*** refused");
        assertThat(Redactor.mask("tg-admin-AbCdEfGhIjKlMnOpQrStUvWxYz")).isEqualTo("tg-***");
    }

    @Test
    void masksOpenAiStyleKeysBearerTokensAndUrlPasswords() {
        assertThat(Redactor.mask("Incorrect API key provided: sk-proj-abcdefghijklmnop1234")).isEqualTo("Incorrect API key provided: sk-***");
        assertThat(Redactor.mask("Authorization: Bearer abc.def.ghi")).isEqualTo("Authorization: Bearer ***");
        assertThat(Redactor.mask("postgresql://tokengate:hunter22@db:5432/tg")).isEqualTo("postgresql://tokengate:***@db:5432/tg");
    }

    @Test
    void masksBearerTokensWhateverTheCaseOfTheWord() {
        assertThat(Redactor.mask("authorization: bearer abc.def")).isEqualTo("authorization: bearer ***");
        assertThat(Redactor.mask("AUTHORIZATION: BEARER abc.def")).isEqualTo("AUTHORIZATION: BEARER ***");
        assertThat(Redactor.mask("x bEaReR\tabc")).isEqualTo("x bEaReR\t***");
    }

    @Test
    void masksRegisteredSecretsOfAnyShape() {
        Redactor.register("plain-looking-value-42");

        assertThat(Redactor.mask("upstream said plain-looking-value-42 twice: plain-looking-value-42"))
                .isEqualTo("upstream said *** twice: ***");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        Redactor.register("short");

        assertThat(Redactor.mask("a short note about tg-1 and sk-2 at http://host:8080/path"))
                .isEqualTo("a short note about tg-1 and sk-2 at http://host:8080/path");
    }

    @Test
    void masksSecretsAtTheVeryStartAndEndOfAValue() {
        assertThat(Redactor.mask("sk-abcdefghijklmnop1234")).isEqualTo("sk-***");
        assertThat(Redactor.mask("x tg-abcdefghijklmnop1234")).isEqualTo("x tg-***");
        assertThat(Redactor.mask("bearer t")).isEqualTo("bearer ***");
        assertThat(Redactor.mask("Bearer t")).isEqualTo("Bearer ***");
        assertThat(Redactor.mask("s3://u:p@h")).isEqualTo("s3://u:***@h");
        assertThat(Redactor.mask("bearer")).isEqualTo("bearer");
        assertThat(Redactor.mask("sk-")).isEqualTo("sk-");
    }
}
