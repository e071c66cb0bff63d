package dev.tokengate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestGateway;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void healthAndReadyAnswerOnAFreshGateway() {
        try (TestGateway gw = TestGateway.start()) {
            assertThat(gw.get("/health", null).status()).isEqualTo(200);
            assertThat(gw.get("/ready", null).json().path("status").asText()).isEqualTo("ready");
        }
    }
}
