package dev.tokengate.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.StoreBackends;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two gateways sharing PostgreSQL: a caller waiting on one instance is woken when the other finishes its job. */
class JobsAcrossInstancesTest {
    @Test
    void aCallerWaitingOnOneInstanceGetsTheResultWhenAnotherInstanceRanTheJob() {
        try (StoreBackends.PostgresSchema schema = StoreBackends.PostgresSchema.create();
             TestGateway busy = TestGateway.start(Map.of("storage.db_url", schema.operatorUrl(), "jobs.workers", "1",
                     "simulated.ttft_ms", "6000"));
             TestGateway helper = TestGateway.start(Map.of("storage.db_url", schema.operatorUrl()))) {
            String key = busy.createUserKey("shared", "user_max");
            JobApi onBusy = new JobApi(busy);

            // the busy instance's only worker slot is taken by this job for 6 s, so it cannot run anything else here ...
            Resp first = onBusy.submitBatch(key, "[" + JobApi.textJob("gpt-5-mini", "occupy the only slot") + "]");
            assertThat(first.status()).as(first.body()).isEqualTo(200);

            // ... so this synchronous job waits in the queue; only the helper instance can run it, and only its NOTIFY can
            // wake the caller here before the 30 s timeout (without it the answer would be a 202)
            Resp waited = onBusy.submit(key, JobApi.textJob("gpt-5-mini", "run me elsewhere"));
            assertThat(waited.status()).as(waited.body()).isEqualTo(200);
            assertThat(waited.json().path("data").path("status").asText()).isEqualTo("completed");
            assertThat(helper.get("/ready", null).status()).isEqualTo(200);
        }
    }
}
